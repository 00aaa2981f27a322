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
