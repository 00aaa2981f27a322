//go:build unix

package main

import (
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/crypto/ssh"
	"golang.org/x/term"
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
	return startInTerminal(t, "join", args...)
}

// startInTerminal runs the duet command with args in an 80x24 terminal.
func startInTerminal(t *testing.T, command string, args ...string) *ptyJoin {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Cols: 80, Rows: 24}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], append([]string{command}, args...)...)
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

func newPub(t *testing.T) ssh.PublicKey {
	t.Helper()
	_, pub := newKeyFile(t)
	k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pub))
	if err != nil {
		t.Fatal(err)
	}
	return k
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
