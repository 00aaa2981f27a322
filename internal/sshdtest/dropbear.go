package sshdtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// DropbearOptions configure a Dropbear server. The zero value authorises no key and
// makes an ed25519 host key.
type DropbearOptions struct {
	// Authorized are the client keys that may log in.
	Authorized []ssh.PublicKey
	// HostKeyType is the host key's type for dropbearkey: "ed25519" (""), "ecdsa", "rsa".
	HostKeyType string
	// Password, if set, is the user's password on this server (else password logins are
	// off: -s).
	Password string
	// Args are more dropbear options ("-t": a key and then the password).
	Args []string
}

// NeedDropbear returns the dropbear binary, or skips the test without it.
func NeedDropbear(tb testing.TB) string {
	tb.Helper()
	return findServer(tb, "dropbear", "dropbear (dropbear-bin) is not installed; make deps-test installs it")
}

// StartDropbear starts Dropbear on 127.0.0.1, logging in the current user (root) with a
// home of its own (a mount namespace: Dropbear reads ~/.ssh/authorized_keys only), and
// stops it when the test ends.
func StartDropbear(tb testing.TB, opt DropbearOptions) *Server {
	tb.Helper()
	dropbear := NeedDropbear(tb)
	u, err := user.Current()
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{User: u.Username, Dir: tb.TempDir()}
	home := filepath.Join(s.Dir, "home")
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		tb.Fatal(err)
	}
	os.Chmod(home, 0o700)
	s.authorized = s.write(tb, "home/.ssh/authorized_keys", nil)
	for _, k := range opt.Authorized {
		s.Authorize(tb, k)
	}
	kt := opt.HostKeyType
	if kt == "" {
		kt = "ed25519"
	}
	hostKey := filepath.Join(s.Dir, "host_key")
	if out, err := exec.Command("dropbearkey", "-t", kt, "-f", hostKey).CombinedOutput(); err != nil {
		tb.Fatalf("dropbearkey: %v: %s", err, out)
	}
	pubLine, err := exec.Command("dropbearkey", "-y", "-f", hostKey).Output()
	if err != nil {
		tb.Fatalf("dropbearkey -y: %v", err)
	}
	for _, line := range bytes.Split(pubLine, []byte("\n")) {
		if pub, _, _, _, err := ssh.ParseAuthorizedKey(line); err == nil {
			s.HostKey = pub
		}
	}
	if s.HostKey == nil {
		tb.Fatalf("dropbearkey -y printed no key: %s", pubLine)
	}
	for try := 0; ; try++ {
		port := freePort(tb)
		args := []string{dropbear, "-F", "-E", "-m", "-p", "127.0.0.1:" + strconv.Itoa(port), "-r", hostKey,
			"-P", filepath.Join(s.Dir, "pid")}
		if opt.Password == "" {
			args = append(args, "-s")
		}
		cmd := Private(tb, s.Dir, home, opt.Password, append(args, opt.Args...)...)
		cmd.Stderr = &logWriter{s: s, want: "\x00never", found: make(chan struct{})}
		if err := cmd.Start(); err != nil {
			tb.Fatal(err)
		}
		exited := make(chan struct{})
		go func() {
			cmd.Wait()
			close(exited)
		}()
		s.stop = func() {
			killDescendants(cmd.Process.Pid)
			cmd.Process.Kill()
			<-exited
		}
		if waitListening(fmt.Sprintf("127.0.0.1:%d", port), exited) {
			s.Port = port
			s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
			tb.Cleanup(s.Stop)
			return s
		}
		s.stop()
		if try == 4 {
			tb.Fatalf("dropbear does not listen: %s", s.Logs())
		}
		s.stopOnce = sync.Once{}
	}
}

// waitListening waits until addr takes connections, or the server exited.
func waitListening(addr string, exited <-chan struct{}) bool {
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return true
		}
		t := time.NewTimer(20 * time.Millisecond)
		select {
		case <-t.C:
		case <-exited:
			t.Stop()
			return false
		}
	}
	return false
}
