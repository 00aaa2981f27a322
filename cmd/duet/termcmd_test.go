package main

import (
	"bufio"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startXvfb starts a private X server and returns its DISPLAY value.
func startXvfb(t *testing.T) string {
	t.Helper()
	for _, bin := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s is not installed (make test installs it with scripts/deps.sh)", bin)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1024x640x24", "-nolisten", "tcp")
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

// pollUntil retries f until it reports done or the deadline passes.
func pollUntil(t *testing.T, what string, d time.Duration, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not synchronisation
	}
}

// TestTermWindowUnderXvfb opens `duet term` in a real window on a real (virtual) X
// server, types into it with xdotool, checks the keystrokes reached the shell, and saves
// a screenshot that must not be blank.
func TestTermWindowUnderXvfb(t *testing.T) {
	display := startXvfb(t)
	dir := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "term", "--", "/bin/sh")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DUET_TEST_AS_DUET=1", "DISPLAY="+display, "PS1=$ ", "XDG_RUNTIME_DIR="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start duet term: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	xdo := func(args ...string) (string, error) {
		c := exec.Command("xdotool", args...)
		c.Env = append(os.Environ(), "DISPLAY="+display)
		out, err := c.Output()
		return strings.TrimSpace(string(out)), err
	}
	var win string
	pollUntil(t, "the window", 60*time.Second, func() bool {
		out, err := xdo("search", "--name", "Duet terminal")
		if f := strings.Fields(out); err == nil && len(f) > 0 {
			win = f[0]
			return true
		}
		return false
	})
	// No window manager: a click gives the window the keyboard.
	if _, err := xdo("mousemove", "--window", win, "200", "150", "click", "1"); err != nil {
		t.Fatalf("click: %v", err)
	}
	marker := filepath.Join(dir, "typed")
	typeLine := func(s string) {
		if _, err := xdo("type", "--delay", "5", s); err != nil {
			t.Fatalf("type: %v", err)
		}
		if _, err := xdo("key", "Return"); err != nil {
			t.Fatalf("key Return: %v", err)
		}
	}
	typeLine(`printf '\033[1;32mgreen\033[0m \033[41m red \033[0m\n'; echo typed-$((6*7)) > typed`)
	pollUntil(t, "the typed command to run", 20*time.Second, func() bool {
		b, err := os.ReadFile(marker)
		return err == nil && strings.TrimSpace(string(b)) == "typed-42"
	})
	typeLine("ls -la")

	shot := filepath.Join(os.TempDir(), "duet-term-xvfb.png")
	pollUntil(t, "a screenshot with the window drawn", 20*time.Second, func() bool {
		c := exec.Command("import", "-window", "root", shot)
		c.Env = append(os.Environ(), "DISPLAY="+display)
		if c.Run() != nil {
			return false
		}
		return distinctColours(t, shot) >= 4
	})
	t.Logf("screenshot: %s", shot)
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

var _ image.Image // image decoders are registered by image/png
