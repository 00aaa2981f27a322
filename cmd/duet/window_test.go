package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
)

// TestWindowWithoutDisplay: with no display, duet says so in one line (and how to host
// from the terminal instead) and fails.
func TestWindowWithoutDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if hasDisplay() {
		t.Skip("this system's desktop names no display (macOS, Windows)")
	}
	code, _, stderr := runCLI(t, "", "--config-dir", t.TempDir(), "--listen", "127.0.0.1:0")
	if code != exitFailure || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "no display") ||
		!strings.Contains(stderr, "duet host") {
		t.Errorf("exit %d, stderr %q: want 1 and one line about the display", code, stderr)
	}
}

// TestWindowUnderXvfb runs the real binary's window on a virtual X server: it hosts on
// start, a real OpenSSH client with a key approved by `duet approve` joins from a
// terminal, what it types runs in the session the window shows, and a screenshot of the
// window (with the partner in its panel) is saved and must not be blank.
func TestWindowUnderXvfb(t *testing.T) {
	display := startXvfbSized(t, "1280x800x24") // the window opens at 1240x760
	sshBin, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("ssh (OpenSSH's client) is not installed; make test installs it with scripts/deps.sh")
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg")

	partner := approvedPartner(t, dir, cfg)

	win := openXWindow(t, display, dir, cfg)
	_, port, _ := net.SplitHostPort(win.addr)

	sshArgs := func(extra ...string) []string {
		return append([]string{"-i", partner.Path, "-p", port, "-o", "StrictHostKeyChecking=no",
			"-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "PasswordAuthentication=no",
			"-o", "LogLevel=ERROR"}, extra...)
	}
	ssh := exec.Command(sshBin, sshArgs("-tt", "main@127.0.0.1")...)
	ssh.Env = append(os.Environ(), "TERM=xterm")
	tty, err := pty.StartWithSize(ssh, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		t.Fatalf("start ssh in a pty: %v", err)
	}
	t.Cleanup(func() { _ = ssh.Process.Kill(); _ = ssh.Wait(); tty.Close() })
	var seen syncBuf
	go func() { _, _ = io.Copy(&seen, tty) }() // ends when the pty closes
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the partner's terminal:\n%q", seen.String())
		}
	})
	pollUntil(t, "the partner's prompt", 30*time.Second, func() bool { return strings.Contains(seen.String(), "$") })
	if _, err := tty.Write([]byte("echo typed-$((6*7)) > typed; echo hello from the partner\r")); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, "the partner's typing to run in the session", 20*time.Second, func() bool {
		b, err := os.ReadFile(filepath.Join(dir, "typed"))
		return err == nil && strings.TrimSpace(string(b)) == "typed-42"
	})

	// The session the partner typed into is the one the window is attached to.
	out, err := exec.Command(sshBin, sshArgs("main@127.0.0.1", "ls", "--json")...).Output()
	if err != nil {
		t.Fatalf("ssh ls --json: %v", err)
	}
	var list []sessions.Info
	if err := json.Unmarshal(out, &list); err != nil || len(list) != 1 || list[0].Clients != 2 {
		t.Fatalf("sessions %s (%v): want main with the window and the partner attached", out, err)
	}

	shot := filepath.Join(os.TempDir(), "duet-window-xvfb.png")
	pollUntil(t, "a screenshot with the window drawn", 30*time.Second, func() bool {
		c := exec.Command("import", "-window", "root", shot)
		c.Env = append(os.Environ(), "DISPLAY="+display)
		return c.Run() == nil && distinctColours(t, shot) >= 8
	})
	t.Logf("screenshot: %s", shot)
}

// approvedPartner returns a partner's identity (in dir/partner), approved with duet approve
// in the config dir cfg as a host would.
func approvedPartner(t *testing.T, dir, cfg string) *keys.Key {
	t.Helper()
	partnerStore, err := keys.Open(filepath.Join(dir, "partner"))
	if err != nil {
		t.Fatal(err)
	}
	partner, err := partnerStore.LoadOrCreateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "", "approve", "--config-dir", cfg, partner.Path+".pub"); code != 0 {
		t.Fatalf("duet approve: %s", stderr)
	}
	return partner
}

// syncBuf collects what a process writes, for the test to read meanwhile.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
