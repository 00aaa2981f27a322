// Package assets holds Duet's embedded files: the icon. It imports nothing of Duet's and
// no Fyne, so anything may use it.
package assets

import _ "embed"

//go:generate go run icon_gen.go

// Icon is Duet's icon, a 512x512 PNG (drawn by icon_gen.go).
//
//go:embed icon.png
var Icon []byte
