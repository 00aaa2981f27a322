//go:build !windows

package main

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/duetpair/duet/internal/duettest"
)

// xdo runs xdotool on the window's display.
func (w *xWindow) xdo(t *testing.T, args ...string) string {
	t.Helper()
	c := exec.Command("xdotool", args...)
	c.Env = append(os.Environ(), "DISPLAY="+w.display)
	out, err := c.Output()
	if err != nil {
		t.Fatalf("xdotool %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// keys gives the window the keyboard (no window manager: windowfocus) and presses keys.
func (w *xWindow) keys(t *testing.T, keys ...string) {
	t.Helper()
	id := strings.Fields(w.xdo(t, "search", "--name", "Duet"))
	if len(id) == 0 {
		t.Fatal("no Duet window on the display")
	}
	w.xdo(t, "windowfocus", "--sync", id[0])
	if len(keys) > 0 {
		w.xdo(t, append([]string{"key", "--delay", "50"}, keys...)...)
	}
}

// title returns the window's title ("main · 1 watching — Duet").
func (w *xWindow) title(t *testing.T) string {
	t.Helper()
	id := strings.Fields(w.xdo(t, "search", "--name", "Duet"))
	if len(id) == 0 {
		return ""
	}
	return w.xdo(t, "getwindowname", id[0])
}

// typeText gives the window the keyboard and types s.
func (w *xWindow) typeText(t *testing.T, s string) {
	t.Helper()
	w.keys(t) // focus
	w.xdo(t, "type", "--delay", "20", s)
}

// askQuit presses Ctrl+Q and waits for the quit dialog.
func (w *xWindow) askQuit(t *testing.T) {
	t.Helper()
	before := strings.Count(w.stderr.String(), "asking what becomes of the running sessions")
	w.keys(t, "ctrl+q")
	pollUntil(t, "the quit dialog", 30*time.Second, func() bool {
		return strings.Count(w.stderr.String(), "asking what becomes of the running sessions") > before
	})
}

// screenshot saves the display to name in the temp dir once it is drawn.
func (w *xWindow) screenshot(t *testing.T, name string) string {
	t.Helper()
	shot := filepath.Join(os.TempDir(), name)
	pollUntil(t, "a screenshot with the window drawn", 30*time.Second, func() bool {
		c := exec.Command("import", "-window", "root", shot)
		c.Env = append(os.Environ(), "DISPLAY="+w.display)
		return c.Run() == nil && distinctColours(t, shot) >= 8
	})
	t.Logf("screenshot: %s", shot)
	return shot
}

// screenshotChanged saves the display to name once it differs from the screenshot
// before (a dialog drawn over the window).
func (w *xWindow) screenshotChanged(t *testing.T, before, name string) string {
	t.Helper()
	shot := filepath.Join(os.TempDir(), name)
	pollUntil(t, "the display to change", 30*time.Second, func() bool {
		c := exec.Command("import", "-window", "root", shot)
		c.Env = append(os.Environ(), "DISPLAY="+w.display)
		return c.Run() == nil && changedPixels(t, before, shot) > 0.3
	})
	t.Logf("screenshot: %s", shot)
	return shot
}

// changedPixels returns the share of pixels (sampled) that differ between two PNGs.
func changedPixels(t *testing.T, a, b string) float64 {
	t.Helper()
	load := func(path string) image.Image {
		f, err := os.Open(path)
		if err != nil {
			return nil
		}
		defer f.Close()
		img, _ := png.Decode(f)
		return img
	}
	ia, ib := load(a), load(b)
	if ia == nil || ib == nil || ia.Bounds() != ib.Bounds() {
		return 0
	}
	n, diff := 0, 0
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 4 {
		for x := r.Min.X; x < r.Max.X; x += 4 {
			n++
			if ia.At(x, y) != ib.At(x, y) {
				diff++
			}
		}
	}
	return float64(diff) / float64(n)
}

// TestWindowKeepsSessionsUnderXvfb: the real window hosts a shell an OpenSSH partner
// types into; Ctrl+Q asks, Space keeps the session running in the background (the
// window quits, a background duet host serves it on the same address, the partner
// connects again and finds the same shell, duet ls lists it); the window opened again
// takes it back with its screen, on the same address; Ctrl+Q, Tab, Space stops it.
func TestWindowKeepsSessionsUnderXvfb(t *testing.T) {
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Skip("xdotool is not installed (make test installs it with scripts/deps.sh)")
	}
	display := startXvfbSized(t, "1280x800x24") // the window opens at 1240x760
	duettest.NeedOpenSSH(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg")
	partner := approvedPartner(t, dir, cfg)
	t.Cleanup(func() { runCLI(t, "", "stop", "--config-dir", cfg) }) // whatever the test left

	win := openXWindow(t, display, dir, cfg)
	sshArgs := duettest.SSHArgs(t, win.addr, partner.Path, "main", "-tt")
	ssh := duettest.RunSSH(t, sshArgs, false)
	ssh.Type(t, "X=kept-$$; echo up-$X\r")
	b := ssh.Out.WaitFor(t, "up-kept-")
	pid := regexp.MustCompile(`up-kept-(\d+)`).FindSubmatch(b)

	before := win.screenshot(t, "duet-window-before-quit-xvfb.png")
	win.askQuit(t)
	win.screenshotChanged(t, before, "duet-quit-dialog-xvfb.png")
	win.keys(t, "space") // the focused button: keep it running
	select {
	case <-win.exited:
	case <-time.After(60 * time.Second):
		t.Fatal("the window did not quit")
	}
	if !win.cmd.ProcessState.Success() {
		t.Errorf("the window exited with %v", win.cmd.ProcessState)
	}
	ssh.Wait(t)
	again := duettest.RunSSH(t, sshArgs, false)
	again.Type(t, "echo again-$X\r")
	again.Out.WaitFor(t, "again-"+string(pid[0])[3:])
	if _, out, _ := runCLI(t, "", "ls", "--config-dir", cfg); !strings.Contains(out, win.addr) || !strings.Contains(out, "main") {
		t.Errorf("duet ls: %q", out)
	}

	win2 := openXWindow(t, display, dir, cfg)
	if win2.addr != win.addr {
		t.Errorf("the window came back on %s, not %s", win2.addr, win.addr)
	}
	again.Wait(t)
	third := duettest.RunSSH(t, sshArgs, false)
	third.Type(t, "echo third-$X\r")
	third.Out.WaitFor(t, "third-"+string(pid[0])[3:])
	if _, out, _ := runCLI(t, "", "ls", "--config-dir", cfg); !strings.Contains(out, "no sessions run in the background") {
		t.Errorf("duet ls with the window open: %q", out)
	}
	pollUntil(t, "the window to show the session", 30*time.Second, func() bool {
		return strings.HasPrefix(win2.title(t), "main")
	})
	// The host types in the tab that came back.
	win2.typeText(t, "echo from-the-window-$X\r")
	third.Out.WaitFor(t, "from-the-window-"+string(pid[0])[3:])
	win2.screenshot(t, "duet-window-back-xvfb.png")

	win2.askQuit(t)
	win2.keys(t, "Tab", "space") // Stop it and quit
	select {
	case <-win2.exited:
	case <-time.After(60 * time.Second):
		t.Fatal("the window did not quit")
	}
	third.Wait(t)
	n := 0
	for _, c := range pid[1] {
		n = n*10 + int(c-'0')
	}
	duettest.Poll(t, "the shell to end", func() bool { return !processAlive(n) })
	if _, out, _ := runCLI(t, "", "ls", "--config-dir", cfg); !strings.Contains(out, "no sessions run in the background") {
		t.Errorf("duet ls after stopping: %q", out)
	}
}
