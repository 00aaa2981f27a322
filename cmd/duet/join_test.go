//go:build unix

package main

import (
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
	"golang.org/x/term"

	"github.com/duetpair/duet/internal/sshdtest"
	"github.com/duetpair/duet/keys"
)

// ptyJoin is `duet join` running in a pseudo-terminal of its own, as a user runs it.
type ptyJoin struct {
	ptmx, tty *os.File
	cmd       *exec.Cmd
	out       *screenText
	exited    chan struct{}
	code      int // once exited
}

// screenText collects what a terminal shows and wakes waiters.
type screenText struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func (s *screenText) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	close(s.changed)
	s.changed = make(chan struct{})
	return len(p), nil
}

func (s *screenText) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor waits until the output contains want.
func (s *screenText) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		text, ch := s.buf.String(), s.changed
		s.mu.Unlock()
		if strings.Contains(text, want) {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %q; the terminal shows %q", want, tailText(text, 800))
		}
	}
}

func tailText(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// partnerEnv keeps a partner's duet away from the user's own ~/.ssh and ssh-agent.
func partnerEnv(t *testing.T) []string {
	return []string{"HOME=" + t.TempDir(), "SSH_AUTH_SOCK="}
}

// startJoin runs duet join with args in an 80x24 terminal.
func startJoin(t *testing.T, args ...string) *ptyJoin {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Cols: 80, Rows: 24}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], append([]string{"join"}, args...)...)
	cmd.Env = append(os.Environ(), "DUET_TEST_AS_DUET=1", "TERM=xterm-256color")
	cmd.Env = append(cmd.Env, partnerEnv(t)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	j := &ptyJoin{ptmx: ptmx, tty: tty, cmd: cmd, out: &screenText{changed: make(chan struct{})}, exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { copyUntilError(j.out, ptmx) })
	wg.Go(func() {
		defer close(j.exited)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			j.code = ee.ExitCode()
		} else if err != nil {
			j.code = -1
		}
	})
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-j.exited
		tty.Close() // with every end of the terminal closed, reading the master fails
		wg.Wait()
		ptmx.Close()
	})
	return j
}

func copyUntilError(dst *screenText, src *os.File) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		dst.Write(buf[:n])
		if err != nil {
			return
		}
	}
}

func (j *ptyJoin) typeText(t *testing.T, s string) {
	t.Helper()
	if _, err := j.ptmx.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// wait waits for duet join to exit and returns its exit code.
func (j *ptyJoin) wait(t *testing.T) int {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	select {
	case <-j.exited:
		return j.code
	case <-deadline.C:
		t.Fatalf("duet join did not exit; the terminal shows %q", tailText(j.out.String(), 800))
		return 0
	}
}

// termState returns the terminal's settings as duet join left (or set) them.
func (j *ptyJoin) termState(t *testing.T) *term.State {
	t.Helper()
	st, err := term.GetState(int(j.tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// retypeUntil types s every 100 ms until the terminal shows want: for effects that
// travel on their own (a window size after SIGWINCH).
func (j *ptyJoin) retypeUntil(t *testing.T, s, want string) {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(j.out.String(), want) {
		j.typeText(t, s)
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %q; the terminal shows %q", want, tailText(j.out.String(), 800))
		}
	}
}

// newPartner creates a partner's config dir with an identity, and returns the dir and
// the public key line.
func newPartner(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	code, pub, stderr := runCLI(t, "", "keygen", "--config-dir", dir)
	if code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	return dir, strings.TrimSpace(pub)
}

// TestJoinCommandDuetHost: duet join, in a terminal, joins duet host: it asks about the
// host key, types, sees the output, passes a window resize on, exits with the remote
// exit status and leaves the terminal as it found it.
func TestJoinCommandDuetHost(t *testing.T) {
	hostDir := t.TempDir()
	partnerDir, pub := newPartner(t)
	if code, _, stderr := runCLI(t, pub, "approve", "--config-dir", hostDir, "-"); code != 0 {
		t.Fatal(stderr)
	}
	h := startHost(t, hostDir, "--approve", "deny", "--command", "/bin/sh")

	j := startJoin(t, "--config-dir", partnerDir, h.addr)
	before := j.termState(t)
	j.out.waitFor(t, "(yes/no): ")
	if !strings.Contains(j.out.String(), h.hostFP) {
		t.Fatalf("the question does not show the host key %s: %q", h.hostFP, j.out.String())
	}
	j.typeText(t, "yes\r")
	j.typeText(t, "echo mark-$((40+2))\r")
	j.out.waitFor(t, "mark-42")
	if reflect.DeepEqual(j.termState(t), before) {
		t.Error("the terminal is not in raw mode during the session")
	}
	if err := pty.Setsize(j.ptmx, &pty.Winsize{Cols: 100, Rows: 30}); err != nil {
		t.Fatal(err)
	}
	j.retypeUntil(t, "stty size\r", "30 100")
	j.typeText(t, "exit 7\r")
	if code := j.wait(t); code != 7 {
		t.Errorf("exit code %d, want 7; the terminal shows %q", code, tailText(j.out.String(), 400))
	}
	if !reflect.DeepEqual(j.termState(t), before) {
		t.Error("the terminal was not restored")
	}
	data, err := os.ReadFile(filepath.Join(partnerDir, keys.KnownHostsFile))
	if err != nil || !strings.Contains(string(data), "[127.0.0.1]:") {
		t.Errorf("known_hosts %q, %v", data, err)
	}
}

// TestJoinCommandSignal: a signal during the session ends duet join with the terminal
// restored.
func TestJoinCommandSignal(t *testing.T) {
	hostDir := t.TempDir()
	partnerDir, pub := newPartner(t)
	runCLI(t, pub, "approve", "--config-dir", hostDir, "-")
	h := startHost(t, hostDir, "--approve", "deny", "--command", "/bin/sh")
	invite := strings.TrimPrefix(h.waitLine(t, "invite: "), "invite: ")

	j := startJoin(t, "--config-dir", partnerDir, invite)
	before := j.termState(t)
	j.typeText(t, "echo up-$((1+1))\r")
	j.out.waitFor(t, "up-2")
	j.cmd.Process.Signal(syscall.SIGTERM)
	if code := j.wait(t); code != exitFailure {
		t.Errorf("exit code %d after SIGTERM, want %d", code, exitFailure)
	}
	if !reflect.DeepEqual(j.termState(t), before) {
		t.Error("the terminal was not restored after SIGTERM")
	}
	j.out.waitFor(t, "stopped (terminated)")
}

// TestJoinCommandOpenSSHTmux: the classic workflow against a real sshd. Two partners
// run duet join --command 'tmux new -A -s pair'; the second attaches to the first
// one's tmux session, and each sees what the other types.
func TestJoinCommandOpenSSHTmux(t *testing.T) {
	tmux := sshdtest.NeedTmux(t)
	tmuxDir, err := os.MkdirTemp("", "duet-tmux") // short: tmux's socket path is limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		kill := exec.Command(tmux, "kill-server")
		kill.Env = append(os.Environ(), "TMUX_TMPDIR="+tmuxDir)
		kill.Run()
		os.RemoveAll(tmuxDir)
	})
	partnerDir, pub := newPartner(t)
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pub))
	if err != nil {
		t.Fatal(err)
	}
	srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{key}, Env: []string{"TMUX_TMPDIR=" + tmuxDir}})
	addr := "ssh://" + srv.User + "@" + srv.Addr
	args := []string{"--config-dir", partnerDir, "--command", "tmux -f /dev/null new -A -s pair", addr}

	one := startJoin(t, args...)
	one.out.waitFor(t, "(yes/no): ")
	one.typeText(t, "yes\r")
	one.typeText(t, "echo one-$((1+1))\r")
	one.out.waitFor(t, "one-2")

	two := startJoin(t, args...) // the host is known now: no question
	two.out.waitFor(t, "one-2")
	two.typeText(t, "echo two-$((2+2))\r")
	two.out.waitFor(t, "two-4")
	one.out.waitFor(t, "two-4")
	if strings.Contains(two.out.String(), "yes/no") {
		t.Error("asked about a known host")
	}

	for _, j := range []*ptyJoin{one, two} {
		j.typeText(t, "\x02d") // C-b d: detach
		if code := j.wait(t); code != 0 {
			t.Errorf("exit code %d after detaching, want 0", code)
		}
	}
}

// TestJoinCommandErrors: what duet join says when it cannot join, without a terminal.
func TestJoinCommandErrors(t *testing.T) {
	for _, kv := range partnerEnv(t) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	hostDir := t.TempDir()
	partnerDir, pub := newPartner(t)
	runCLI(t, pub, "approve", "--config-dir", hostDir, "-")
	h := startHost(t, hostDir, "--approve", "deny", "--command", "/bin/sh")
	invite := strings.TrimPrefix(h.waitLine(t, "invite: "), "invite: ")
	otherFP := keys.Fingerprint(newPub(t))

	for _, tc := range []struct {
		name     string
		args     []string
		setup    func(t *testing.T, dir string)
		code     int
		stdout   string
		stderr   []string
		noStderr string
	}{
		{name: "bad address", args: []string{"host:99999"}, code: exitUsage,
			stderr: []string{`cannot read the address "host:99999": the port "99999" is not a number from 1 to 65535`}},
		{name: "no address", args: nil, code: exitUsage, stderr: []string{"join takes one address"}},
		{name: "unknown host without a terminal", args: []string{h.addr}, code: exitFailure,
			stderr: []string{"is not a known host", h.hostFP, "invite"}},
		{name: "invite", args: []string{"--command", "ls", invite}, code: 0, stdout: "main"},
		{name: "flags after the address", args: []string{invite, "--command", "ls"}, code: 0, stdout: "main"},
		{name: "wrong pin", args: []string{strings.Replace(invite, h.hostFP, otherFP, 1)}, code: exitFailure,
			stderr: []string{h.hostFP, otherFP, "as the invite says"}},
		{name: "changed host key", args: []string{"--command", "ls", h.addr}, code: exitFailure,
			setup: func(t *testing.T, dir string) {
				line := knownhosts.Line([]string{h.addr}, newPub(t)) + "\n"
				os.WriteFile(filepath.Join(dir, keys.KnownHostsFile), []byte(line), 0o600)
			},
			stderr: []string{"WARNING", "has changed", h.hostFP, "ssh-keygen -R '[127.0.0.1]:", keys.KnownHostsFile}},
		{name: "denied", args: []string{"--command", "ls", invite}, code: exitFailure,
			setup: func(t *testing.T, dir string) {
				// A partner whose key the host does not know: --approve deny.
				os.Remove(filepath.Join(dir, keys.IdentityFile))
				os.Remove(filepath.Join(dir, keys.IdentityFile+".pub"))
			},
			stderr: []string{"the host denied key SHA256:"}, noStderr: "Permission denied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{keys.IdentityFile, keys.IdentityFile + ".pub"} {
				data, _ := os.ReadFile(filepath.Join(partnerDir, f))
				os.WriteFile(filepath.Join(dir, f), data, 0o600)
			}
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			code, stdout, stderr := runCLI(t, "", append([]string{"join", "--config-dir", dir}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr %q", code, tc.code, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout %q lacks %q", stdout, tc.stdout)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr %q lacks %q", stderr, want)
				}
			}
			if tc.noStderr != "" && strings.Contains(stderr, tc.noStderr) {
				t.Errorf("stderr %q has %q", stderr, tc.noStderr)
			}
		})
	}
}

func newPub(t *testing.T) ssh.PublicKey {
	t.Helper()
	_, pub := newKeyFile(t)
	k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pub))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestJoinCommandReconnect: when the network drops, duet join says so on one line,
// reconnects by itself, and the host repaints the screen.
func TestJoinCommandReconnect(t *testing.T) {
	hostDir := t.TempDir()
	partnerDir, pub := newPartner(t)
	runCLI(t, pub, "approve", "--config-dir", hostDir, "-")
	h := startHost(t, hostDir, "--approve", "deny", "--command", "/bin/sh")
	p := newCutProxy(t, h.addr)
	_, port, _ := net.SplitHostPort(p.l.Addr().String())

	j := startJoin(t, "--config-dir", partnerDir, "duet://main@127.0.0.1:"+port+"/#"+h.hostFP)
	j.typeText(t, "echo before-$((2+3))\r")
	j.out.waitFor(t, "before-5")
	p.cut()
	j.out.waitFor(t, "[duet: connection lost")
	j.out.waitFor(t, "[duet: reconnected]")
	j.typeText(t, "echo after-$((3+4))\r")
	j.out.waitFor(t, "after-7")
	j.typeText(t, "exit 3\r")
	if code := j.wait(t); code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
}

// cutProxy forwards TCP connections to a target until the test cuts them.
type cutProxy struct {
	l     net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{l: l}
	p.wg.Go(func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			p.wg.Go(func() { io.Copy(out, in); out.Close() })
			p.wg.Go(func() { io.Copy(in, out); in.Close() })
		}
	})
	t.Cleanup(func() {
		l.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

// cut drops every connection, as a network failure would.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
