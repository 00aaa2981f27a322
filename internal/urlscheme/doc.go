// Package urlscheme makes Duet the handler of duet:// invite links where the desktop
// learns that from the program itself: on Windows, the per-user registry
// (HKEY_CURRENT_USER\Software\Classes\duet, no administrator needed), so that clicking
// an invite runs `duet.exe "duet://…"`, which opens the window joined to it. On Linux
// and the BSDs the packaged .desktop file registers the scheme (MimeType
// x-scheme-handler/duet); on macOS a bundle declares it in its Info.plist. There,
// [Register] does nothing.
package urlscheme

import "errors"

// Scheme is the URL scheme of Duet's invites.
const Scheme = "duet"

// ErrUnsupported is what [Register] returns where the program does not register the
// scheme itself.
var ErrUnsupported = errors.New("this system registers duet:// links through the installed package")

// Command is the command line a desktop runs for a link: the program, and the link as
// its one argument ("%1", quoted, as the Windows shell expects it).
func Command(exe string) string {
	return `"` + exe + `" "%1"`
}
