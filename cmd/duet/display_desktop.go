//go:build !(linux || freebsd || netbsd || openbsd || dragonfly)

package main

import "errors"

// errNoDisplay is never returned here: see hasDisplay.
var errNoDisplay = errors.New("no display to open the window on; host from this terminal with 'duet host'")

// hasDisplay reports whether a window can open: macOS and Windows always have a desktop
// (and name no display in the environment).
func hasDisplay() bool { return true }
