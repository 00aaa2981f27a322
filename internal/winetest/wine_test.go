package winetest

import (
	"bufio"
	"bytes"
	"image"
	"image/png"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitTimeout bounds each wait: Wine starts programs slowly, the first time more so.
const waitTimeout = 90 * time.Second

// duetExe returns the duet.exe to test, or skips the test.
func duetExe(t *testing.T) string {
	t.Helper()
	exe := os.Getenv("DUET_WINE_EXE")
	if exe == "" {
		t.Skip("DUET_WINE_EXE is not set: make test-windows runs these tests")
	}
	for _, bin := range []string{"wine", "ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is not installed (scripts/deps.sh windows installs it)", bin)
		}
	}
	return exe
}

// winPath is the Windows name Wine gives a Linux path (its drive Z: is /).
func winPath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }

// syncBuf is a bytes buffer safe for a writer and readers at once.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// pollUntil retries f until it reports done or the deadline passes.
func pollUntil(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond) // polling interval, not synchronisation
	}
}

// host is duet.exe running under Wine, hosting.
type host struct {
	port   string
	stderr *syncBuf
}

// startDuet runs duet.exe under Wine with args and a config dir in which key is approved
// to type, and returns once it says where it listens.
func startDuet(t *testing.T, exe, key string, env []string, args ...string) *host {
	t.Helper()
	cfg := t.TempDir()
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg, "approved_keys"), append([]byte("duet-role=type "), pub...), 0o600); err != nil {
		t.Fatal(err)
	}
	args = append(args, "--config-dir", winPath(cfg), "--listen", "127.0.0.1:0")
	cmd := exec.Command("wine", append([]string{exe}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	h := &host{stderr: &syncBuf{}}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start duet.exe under wine: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("duet.exe's log:\n%s", h.stderr.String())
		}
	})
	addr := make(chan string, 1)
	go func() { // ends when duet.exe's output closes
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "listening on "); ok {
				addr <- a
			}
		}
	}()
	select {
	case a := <-addr:
		_, h.port, _ = net.SplitHostPort(a)
	case <-time.After(waitTimeout):
		t.Fatalf("duet.exe did not say where it listens; log:\n%s", h.stderr.String())
	}
	return h
}

// newKey makes an ed25519 key for the partner and returns its file.
func newKey(t *testing.T) string {
	t.Helper()
	key := filepath.Join(t.TempDir(), "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "linux-partner", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	return key
}

// partner is OpenSSH's client joining the host with a terminal (-tt): what it types
// goes in through in, what the session shows comes out in out.
type partner struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *syncBuf
	done chan struct{}
}

func join(t *testing.T, h *host, key string) *partner {
	t.Helper()
	cmd := exec.Command("ssh", "-tt", "-i", key, "-p", h.port, "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "PasswordAuthentication=no",
		"-o", "LogLevel=ERROR", "main@127.0.0.1")
	cmd.Env = append(os.Environ(), "TERM=xterm")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &partner{cmd: cmd, in: in, out: &syncBuf{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start ssh: %v", err)
	}
	go func() {
		defer close(p.done)
		_ = cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("the partner's terminal:\n%q", p.out.String())
		}
	})
	return p
}

// waitFor waits until the partner's terminal shows s.
func (p *partner) waitFor(t *testing.T, s string) {
	t.Helper()
	pollUntil(t, "the partner to see "+s, func() bool { return strings.Contains(p.out.String(), s) })
}

func (p *partner) typeLine(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(p.in, line+"\r"); err != nil {
		t.Fatal(err)
	}
}

// TestHostUnderWine: `duet.exe host` runs the default shell (cmd.exe: Wine has no
// PowerShell) in a pseudo console; a Linux OpenSSH partner types a command, sees its
// output, and gets the shell's exit status when it exits.
func TestHostUnderWine(t *testing.T) {
	exe := duetExe(t)
	key := newKey(t)
	h := startDuet(t, exe, key, nil, "host", "--approve", "deny")
	p := join(t, h, key)
	p.waitFor(t, ">") // cmd.exe's prompt
	p.typeLine(t, "echo hello-from-%OS%")
	p.waitFor(t, "hello-from-Windows_NT")
	p.typeLine(t, "exit 3")
	select {
	case <-p.done:
	case <-time.After(waitTimeout):
		t.Fatal("ssh did not end when the shell exited")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 3 {
		t.Errorf("ssh exit status %d, want 3 (the shell's)", code)
	}
	if !strings.Contains(p.out.String(), "session main ended: exit status 3") {
		t.Errorf("the partner was not told how the session ended")
	}
}

// TestWindowUnderWine opens the window of duet.exe under Wine on a private X server: it
// hosts cmd.exe at once; a Linux OpenSSH partner types into it, and a screenshot of the
// screen is saved (DUET_WINE_SCREENSHOT, default window.png in a temp dir) once it shows
// the session's text and the partner in the partners panel; the window registers itself
// as the handler of duet:// links.
func TestWindowUnderWine(t *testing.T) {
	exe := duetExe(t)
	display := startXvfb(t)
	key := newKey(t)
	// The prefix outlives the test: forget an earlier run's duet:// handler. On this
	// display: the first Wine program of a prefix starts its desktop process with its
	// own environment, and one started without DISPLAY leaves the window none.
	unreg := exec.Command("wine", "reg", "delete", `HKCU\Software\Classes\duet`, "/f")
	unreg.Env = append(os.Environ(), "DISPLAY="+display)
	_ = unreg.Run()
	h := startDuet(t, exe, key, []string{"DISPLAY=" + display})

	shot := os.Getenv("DUET_WINE_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "window.png")
	}
	capture := func() bool {
		c := exec.Command("import", "-window", "root", shot)
		c.Env = append(os.Environ(), "DISPLAY="+display)
		return c.Run() == nil
	}
	// The partners panel (where the window opens at 1240x760), below its size line:
	// "Nobody has joined yet" first, kept to compare; the partner's row (name,
	// fingerprint, role, Kick) takes its place once it joined and the panel refreshed.
	partners := image.Rect(910, 540, 1240, 580)
	var nobody []byte
	pollUntil(t, "the partners panel with nobody in it", func() bool {
		if !capture() || distinctColours(shot, partners) < 8 {
			return false
		}
		nobody = pixels(shot, partners)
		return true
	})

	p := join(t, h, key)
	p.waitFor(t, ">")
	p.typeLine(t, "echo typed-by-the-linux-partner")
	p.waitFor(t, "typed-by-the-linux-partner")

	// The window draws the partner's line a frame or two later: wait until the terminal
	// (left of centre, below the header) holds text, antialiased in many shades, not only
	// the background and the cursor, and the partners panel changed.
	terminal := image.Rect(250, 75, 890, 300)
	pollUntil(t, "a screenshot of the window with the session's text and the partner", func() bool {
		return capture() && distinctColours(shot, terminal) >= 8 && !bytes.Equal(pixels(shot, partners), nobody)
	})
	t.Logf("screenshot: %s", shot)

	// The window made itself the user's handler of duet:// invite links.
	pollUntil(t, "duet:// links registered to duet.exe", func() bool {
		out, err := exec.Command("wine", "reg", "query", `HKCU\Software\Classes\duet\shell\open\command`, "/ve").Output()
		return err == nil && strings.Contains(string(out), `duet.exe" "%1"`)
	})
}

// startXvfb starts a private X server and returns its DISPLAY.
func startXvfb(t *testing.T) string {
	t.Helper()
	for _, bin := range []string{"Xvfb", "import"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is not installed (scripts/deps.sh windows installs it)", bin)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-noreset", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
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

// pixels returns the colours of the area r of a PNG, nil if it cannot be read.
func pixels(path string, r image.Rectangle) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil
	}
	var out []byte
	b := img.Bounds().Intersect(r)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			out = append(out, byte(r>>8), byte(g>>8), byte(bl>>8))
		}
	}
	return out
}

// distinctColours counts the colours in the area r of a PNG (up to 64): a blank screen
// has one or two.
func distinctColours(path string, r image.Rectangle) int {
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
	b := img.Bounds().Intersect(r)
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
