package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
)

// startXvfb starts a private X server for a test that also types with xdotool.
func startXvfb(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Skip("xdotool is not installed (make test installs it with scripts/deps.sh)")
	}
	return startXvfbSized(t, "1024x640x24")
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
	var stderr duettest.Output
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start duet term: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })

	xdo := func(args ...string) (string, error) {
		c := exec.Command("xdotool", args...)
		c.Env = append(os.Environ(), "DISPLAY="+display)
		out, err := c.Output()
		return strings.TrimSpace(string(out)), err
	}
	var win string
	// A race-built binary drawing with software GL on a busy machine takes a while.
	pollUntil(t, "the window", 120*time.Second, func() bool {
		select {
		case <-exited:
			t.Fatalf("duet term exited before its window showed: %s", duettest.Tail(stderr.Bytes(), 4000))
		default:
		}
		out, err := xdo("search", "--name", "Duet terminal")
		if f := strings.Fields(out); err == nil && len(f) > 0 {
			win = f[0]
			return true
		}
		return false
	})
	shot := filepath.Join(os.TempDir(), "duet-term-xvfb.png")
	screenshot := func() bool {
		c := exec.Command("import", "-window", "root", shot)
		c.Env = append(os.Environ(), "DISPLAY="+display)
		return c.Run() == nil
	}
	// The window is mapped before it draws; keys sent before it took the keyboard are
	// lost. First its first frame (the prompt on the terminal's background)...
	pollUntil(t, "the window's first frame", 60*time.Second, func() bool {
		return screenshot() && distinctColours(t, shot) >= 3
	})
	marker := filepath.Join(dir, "typed")
	typeLine := func(s string) {
		if _, err := xdo("type", "--delay", "5", s); err != nil {
			t.Fatalf("type: %v", err)
		}
		if _, err := xdo("key", "Return"); err != nil {
			t.Fatalf("key Return: %v", err)
		}
	}
	typed := func() bool {
		b, err := os.ReadFile(marker)
		return err == nil && strings.TrimSpace(string(b)) == "typed-42"
	}
	// ...then a click gives it the keyboard (no window manager here) and the line is
	// typed; on a busy machine the click may land before the window takes it, so the
	// click and the line (after ^U, which kills what part of it arrived) go again.
	for try := 1; ; try++ {
		if _, err := xdo("mousemove", "--window", win, "200", "150", "click", "1"); err != nil {
			t.Fatalf("click: %v", err)
		}
		if try > 1 {
			if _, err := xdo("key", "ctrl+u"); err != nil {
				t.Fatalf("key ctrl+u: %v", err)
			}
		}
		typeLine(`printf '\033[1;32mgreen\033[0m \033[41m red \033[0m\n'; echo typed-$((6*7)) > typed`)
		if duettest.PollWithin(15*time.Second, typed) {
			break
		}
		if try == 3 {
			t.Fatalf("the typed command did not run after %d tries", try)
		}
		t.Logf("try %d: the typed line did not run; clicking and typing again", try)
	}
	typeLine("ls -la")

	pollUntil(t, "a screenshot with the window drawn", 20*time.Second, func() bool {
		return screenshot() && distinctColours(t, shot) >= 4
	})
	t.Logf("screenshot: %s", shot)
}
