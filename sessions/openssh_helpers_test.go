//go:build !windows

package sessions

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/crypto/ssh"
)

// openSSHKey creates a key pair for the ssh client: the private key file and its signer.
func openSSHKey(tb testing.TB) (string, ssh.Signer) {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "test")
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "id_ed25519")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		tb.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return path, signer
}

func needOpenSSH(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("ssh")
	if err != nil {
		tb.Skip("OpenSSH client not installed (make deps-test installs it)")
	}
	return path
}

// sshArgs returns the ssh command line for joining addr as user with keyFile.
func sshArgs(tb testing.TB, addr, keyFile, user string, extra ...string) []string {
	tb.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		tb.Fatal(err)
	}
	args := []string{"-F", "/dev/null",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
		"-o", "LogLevel=ERROR", "-i", keyFile, "-p", port}
	args = append(args, extra...)
	return append(args, user+"@"+host)
}

// sshProc is the OpenSSH client running in a pseudo-terminal of its own.
type sshProc struct {
	tty  *os.File   // the terminal's master: write to type
	out  *collector // what the terminal shows, unless stalled
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// runSSH starts ssh with args in an 80x24 terminal. Unless stalled, the terminal's output
// is collected; a stalled terminal is never read, like a partner whose network died.
func runSSH(tb testing.TB, args []string, stalled bool) *sshProc {
	tb.Helper()
	cmd := exec.Command(needOpenSSH(tb), args...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
	if err != nil {
		tb.Fatal(err)
	}
	p := &sshProc{tty: tty, out: newCollector(), cmd: cmd, done: make(chan struct{})}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		if !stalled {
			io.Copy(p.out, tty)
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

func (p *sshProc) typeIn(tb testing.TB, s string) {
	tb.Helper()
	if _, err := io.WriteString(p.tty, s); err != nil {
		tb.Fatal(err)
	}
}

// wait waits for ssh to exit and returns its exit code.
func (p *sshProc) wait(tb testing.TB) int {
	tb.Helper()
	t := time.NewTimer(waitTimeout)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		tb.Fatalf("ssh did not exit; terminal shows %q", tail(p.out.Bytes(), 400))
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
