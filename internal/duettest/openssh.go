//go:build !windows

package duettest

import (
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/creack/pty"
)

// NeedOpenSSH returns the path of OpenSSH's ssh client, or skips the test without it.
func NeedOpenSSH(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("ssh")
	if err != nil {
		tb.Skip("OpenSSH client not installed (make deps-test installs it)")
	}
	return path
}

// SSHArgs returns the ssh command line for joining addr ("host:port") as user with
// keyFile only, ignoring every config, agent and known_hosts of the machine.
func SSHArgs(tb testing.TB, addr, keyFile, user string, extra ...string) []string {
	tb.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		tb.Fatal(err)
	}
	args := []string{"-F", "/dev/null",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "PasswordAuthentication=no",
		"-o", "LogLevel=ERROR", "-i", keyFile, "-p", port}
	args = append(args, extra...)
	return append(args, user+"@"+host)
}

// SSH is the OpenSSH client running in a pseudo-terminal of its own.
type SSH struct {
	TTY  *os.File // the terminal's master: write to type
	Out  *Output  // what the terminal shows, unless stalled
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// RunSSH starts ssh with args in an 80x24 terminal, and kills it when the test ends.
// Unless stalled, the terminal's output is collected; a stalled terminal is never read,
// like a partner whose network died.
func RunSSH(tb testing.TB, args []string, stalled bool) *SSH {
	tb.Helper()
	cmd := exec.Command(NeedOpenSSH(tb), args...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
	if err != nil {
		tb.Fatal(err)
	}
	p := &SSH{TTY: tty, Out: &Output{}, cmd: cmd, done: make(chan struct{})}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		if !stalled {
			io.Copy(p.Out, tty)
		}
	}()
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	tb.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
		tty.Close()
		<-readDone
	})
	return p
}

// Type writes s to the terminal, as keys typed.
func (p *SSH) Type(tb testing.TB, s string) {
	tb.Helper()
	if _, err := io.WriteString(p.TTY, s); err != nil {
		tb.Fatal(err)
	}
}

// Wait waits for ssh to exit and returns its exit code.
func (p *SSH) Wait(tb testing.TB) int {
	tb.Helper()
	t := time.NewTimer(Timeout)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		tb.Fatalf("ssh did not exit; terminal shows %q", Tail(p.Out.Bytes(), 400))
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		tb.Fatal(p.err)
	}
	return 0
}

// Done is closed once ssh exited.
func (p *SSH) Done() <-chan struct{} { return p.done }
