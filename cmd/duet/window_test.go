package main

import (
	"strings"
	"testing"
)

// TestWindowWithoutDisplay: with no display, duet says so in one line (and how to host
// from the terminal instead) and fails.
func TestWindowWithoutDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	code, _, stderr := runCLI(t, "", "--config-dir", t.TempDir(), "--listen", "127.0.0.1:0")
	if code != exitFailure || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "no display") ||
		!strings.Contains(stderr, "duet host") {
		t.Errorf("exit %d, stderr %q: want 1 and one line about the display", code, stderr)
	}
}
