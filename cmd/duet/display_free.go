//go:build linux || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"errors"
	"os"
)

// errNoDisplay is why the window cannot open on a machine without a display.
var errNoDisplay = errors.New("no display to open the window on (DISPLAY and WAYLAND_DISPLAY are empty); host from this terminal with 'duet host'")

// hasDisplay reports whether a window can open: on Linux and the BSDs, an X11 or Wayland
// display must be named (a server or an SSH login has none).
func hasDisplay() bool {
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}
