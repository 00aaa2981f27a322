//go:build unix

package main

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/term"

	"github.com/duetpair/duet/internal/duettest"
)

// ptyJoin is `duet join` running in a pseudo-terminal of its own, as a user runs it.
type ptyJoin struct {
	ptmx, tty *os.File
	cmd       *exec.Cmd
	out       *duettest.Output
	exited    chan struct{}
	code      int // once exited
}

// partnerEnv keeps a partner's duet away from the user's own ~/.ssh and ssh-agent.
func partnerEnv(t testing.TB) []string {
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
	j := &ptyJoin{ptmx: ptmx, tty: tty, cmd: cmd, out: &duettest.Output{}, exited: make(chan struct{})}
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

func copyUntilError(dst *duettest.Output, src *os.File) {
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
	deadline := time.NewTimer(duettest.Timeout)
	defer deadline.Stop()
	select {
	case <-j.exited:
		return j.code
	case <-deadline.C:
		t.Fatalf("duet join did not exit; the terminal shows %q", duettest.Tail(j.out.Bytes(), 800))
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
	deadline := time.NewTimer(duettest.Timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(j.out.String(), want) {
		j.typeText(t, s)
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %q; the terminal shows %q", want, duettest.Tail(j.out.Bytes(), 800))
		}
	}
}

// newPartner creates a partner's config dir with an identity, and returns the dir and
// the public key line.
func newPartner(t testing.TB) (string, string) {
	t.Helper()
	dir := t.TempDir()
	code, pub, stderr := runCLI(t, "", "keygen", "--config-dir", dir)
	if code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	return dir, strings.TrimSpace(pub)
}
