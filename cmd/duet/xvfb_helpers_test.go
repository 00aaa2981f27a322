package main

import (
	"bufio"
	"image/png"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
)

// Helpers of the tests that run Duet's windows on a private X server (Xvfb).

// startXvfbSized starts a private X server with a screen of the given geometry and
// returns its DISPLAY value; see startXvfb.
func startXvfbSized(t *testing.T, geometry string) string {
	t.Helper()
	for _, bin := range []string{"Xvfb", "import"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s is not installed (make test installs it with scripts/deps.sh)", bin)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", geometry, "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { _ = x.Process.Kill(); _ = x.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not report its display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// pollUntil retries f until it reports done, failing the test after d.
func pollUntil(t *testing.T, what string, d time.Duration, f func() bool) {
	t.Helper()
	if !duettest.PollWithin(d, f) {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// distinctColours counts the colours in a PNG (up to 64): a blank screen has one or two.
func distinctColours(t *testing.T, path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0
	}
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if len(seen) >= 64 {
				return len(seen)
			}
		}
	}
	return len(seen)
}
