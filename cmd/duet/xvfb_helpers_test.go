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
	// -noreset: by default Xvfb resets whenever its last client disconnects and refuses
	// the connections that arrive meanwhile, so the window opened right after an xdotool
	// poll failed with "GLFW: failed to detect any supported platform" now and then.
	x := exec.Command("Xvfb", "-displayfd", "3", "-noreset", "-screen", "0", geometry, "-nolisten", "tcp")
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

// xWindow is the real window (this test binary as duet) on a private X server.
type xWindow struct {
	cmd     *exec.Cmd
	stderr  *syncBuf
	addr    string
	exited  chan struct{}
	display string
}

// openXWindow opens the window on display with the config dir cfg and waits until it
// says where it listens.
func openXWindow(t *testing.T, display, dir, cfg string) *xWindow {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	w := &xWindow{stderr: &syncBuf{}, exited: make(chan struct{}), display: display}
	w.cmd = exec.Command(self, "--config-dir", cfg, "--listen", "127.0.0.1:0")
	w.cmd.Dir = dir
	w.cmd.Env = append(os.Environ(), "DUET_TEST_AS_DUET=1", "DISPLAY="+display, "SHELL=/bin/sh", "PS1=$ ",
		"ENV=", "XDG_RUNTIME_DIR="+dir, "HOME="+dir)
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w.cmd.Stderr = w.stderr
	if err := w.cmd.Start(); err != nil {
		t.Fatalf("start the window: %v", err)
	}
	addr := make(chan string, 1)
	go func() { // ends when the window's stdout closes
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				addr <- a
			}
		}
	}()
	go func() { _ = w.cmd.Wait(); close(w.exited) }()
	t.Cleanup(func() {
		_ = w.cmd.Process.Kill()
		<-w.exited
		if t.Failed() {
			t.Logf("window's log:\n%s", w.stderr.String())
		}
	})
	select {
	case w.addr = <-addr:
	case <-w.exited:
		t.Fatalf("the window exited; log:\n%s", w.stderr.String())
	case <-time.After(120 * time.Second):
		t.Fatalf("the window did not say where it listens; log:\n%s", w.stderr.String())
	}
	return w
}
