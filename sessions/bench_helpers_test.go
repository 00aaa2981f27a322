//go:build !windows

package sessions

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
)

// watcher is a session's stdout for the benchmarks: it counts bytes and tells when an
// expected string has arrived, keeping only a short tail of the output.
type watcher struct {
	mu    sync.Mutex
	n     int64
	want  []byte
	tail  []byte
	found chan struct{}
	stall <-chan struct{} // while open, Write waits
}

// expect arms the watcher for s, counting from now, and returns a channel closed when s
// has arrived.
func (w *watcher) expect(s string) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.want, w.tail, w.found = []byte(s), w.tail[:0], make(chan struct{})
	return w.found
}

// stallUntil makes the watcher stop taking output until release is closed: a partner
// whose network stopped.
func (w *watcher) stallUntil(release <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stall = release
}

func (w *watcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	stall := w.stall
	w.mu.Unlock()
	if stall != nil {
		<-stall
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n += int64(len(p))
	if w.want == nil {
		return len(p), nil
	}
	buf := append(w.tail, p...)
	if bytes.Contains(buf, w.want) {
		close(w.found)
		w.want = nil
		w.tail = w.tail[:0]
		return len(p), nil
	}
	keep := min(len(buf), len(w.want)-1)
	w.tail = append(w.tail[:0], buf[len(buf)-keep:]...)
	return len(p), nil
}

// benchClient is one Go SSH client in a terminal session, the same for Duet and sshd.
type benchClient struct {
	client *ssh.Client
	sess   *ssh.Session
	stdin  io.WriteCloser
	out    *watcher
}

// dialBench connects and runs cmd ("" for a shell) in an 80x24 terminal; ready is armed on
// the output before anything can arrive.
func dialBench(tb testing.TB, addr, user string, signer ssh.Signer, cmd, ready string) (*benchClient, <-chan struct{}) {
	tb.Helper()
	client, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User: user, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: waitTimeout,
	})
	if err != nil {
		tb.Fatalf("dial %s: %v", addr, err)
	}
	sess, err := client.NewSession()
	if err != nil {
		tb.Fatal(err)
	}
	c := &benchClient{client: client, sess: sess, out: &watcher{}}
	found := c.out.expect(ready)
	sess.Stdout = c.out
	sess.Stderr = io.Discard
	if c.stdin, err = sess.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
		tb.Fatal(err)
	}
	if cmd == "" {
		err = sess.Shell()
	} else {
		err = sess.Start(cmd)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return c, found
}

func (c *benchClient) close() {
	c.sess.Close()
	c.client.Close()
}

func await(tb testing.TB, ch <-chan struct{}, what string) {
	tb.Helper()
	t := time.NewTimer(2 * time.Minute)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
		tb.Fatalf("timed out waiting for %s", what)
	}
}

// side is one of the two systems measured: it starts a program in a shared terminal and
// connects clients to it.
type side interface {
	// start runs script (a /bin/sh script) in a new shared terminal named name.
	start(tb testing.TB, name, script string)
	// join connects a client to the terminal name, arming ready.
	join(tb testing.TB, name, ready string) (*benchClient, <-chan struct{})
}

// duetSide is Duet's host.
type duetSide struct {
	reg    *Registry
	addr   string
	signer ssh.Signer
}

func newDuetSide(tb testing.TB) *duetSide {
	tb.Helper()
	d := &duetSide{reg: &Registry{}, signer: newSigner(tb)}
	tb.Cleanup(func() { d.reg.Close() })
	approved := keys.NewApproved(filepath.Join(tb.TempDir(), "approved_keys"))
	if err := approved.Add(d.signer.PublicKey(), keys.RoleType, "bench"); err != nil {
		tb.Fatal(err)
	}
	d.addr = serve(tb, &Host{Sessions: d.reg, Approved: approved, MaxPartners: 64})
	return d
}

func (d *duetSide) start(tb testing.TB, name, script string) {
	tb.Helper()
	if _, err := d.reg.Start(Options{Name: name, Command: []string{"/bin/sh", "-c", script}}); err != nil {
		tb.Fatal(err)
	}
}

func (d *duetSide) join(tb testing.TB, name, ready string) (*benchClient, <-chan struct{}) {
	return dialBench(tb, d.addr, name, d.signer, "", ready)
}

// tmuxSide is OpenSSH's sshd on loopback with `tmux attach` as the command.
type tmuxSide struct {
	dir    string
	sock   string
	addr   string
	signer ssh.Signer
}

// newTmuxSide starts sshd with its own config, host key and authorized_keys, and a tmux
// server, or skips if either is missing.
func newTmuxSide(tb testing.TB) *tmuxSide {
	tb.Helper()
	sshd, err := exec.LookPath("sshd")
	if err != nil {
		sshd = "/usr/sbin/sshd"
	}
	if _, err := os.Stat(sshd); err != nil {
		tb.Skip("sshd not installed: skipping the OpenSSH + tmux comparison (make deps-test installs it)")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		tb.Skip("tmux not installed: skipping the OpenSSH + tmux comparison")
	}
	dir, err := os.MkdirTemp("", "duet-bench-sshd")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	t := &tmuxSide{dir: dir, sock: filepath.Join(dir, "tmux.sock"), signer: newSigner(tb)}

	_, hostPriv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := ssh.MarshalPrivateKey(hostPriv, "bench host")
	if err != nil {
		tb.Fatal(err)
	}
	write := func(name, data string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), mode); err != nil {
			tb.Fatal(err)
		}
		return p
	}
	hostKey := write("host_ed25519", string(pem.EncodeToMemory(block)), 0o600)
	auth := write("authorized_keys", string(ssh.MarshalAuthorizedKey(t.signer.PublicKey())), 0o600)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	t.addr = l.Addr().String()
	l.Close()
	_, port, _ := net.SplitHostPort(t.addr)
	config := write("sshd_config", strings.Join([]string{
		"Port " + port, "ListenAddress 127.0.0.1", "HostKey " + hostKey,
		"AuthorizedKeysFile " + auth, "PidFile none", "UsePAM no", "StrictModes no",
		"PasswordAuthentication no", "KbdInteractiveAuthentication no", "PubkeyAuthentication yes",
		"PermitRootLogin yes", "AllowTcpForwarding no", "X11Forwarding no", "PrintMotd no",
		"PrintLastLog no", "UseDNS no", "LogLevel ERROR", "AcceptEnv none", "",
	}, "\n"), 0o600)
	os.MkdirAll("/run/sshd", 0o755) // privilege separation dir, when run as root

	cmd := exec.Command(sshd, "-D", "-e", "-f", config)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		tb.Skipf("sshd does not start: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	tb.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		exec.Command(tmux, "-S", t.sock, "kill-server").Run()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", t.addr)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			tb.Skipf("sshd exited: %s", logs.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Skipf("sshd does not listen: %s", logs.String())
		}
	}
	return t
}

func (t *tmuxSide) start(tb testing.TB, name, script string) {
	tb.Helper()
	out, err := exec.Command("tmux", "-S", t.sock, "-f", "/dev/null", "new-session", "-d",
		"-s", name, "-x", "80", "-y", "24", "/bin/sh", "-c", script).CombinedOutput()
	if err != nil {
		tb.Fatalf("tmux new-session: %v: %s", err, out)
	}
}

func (t *tmuxSide) join(tb testing.TB, name, ready string) (*benchClient, <-chan struct{}) {
	return dialBench(tb, t.addr, "root", t.signer, fmt.Sprintf("tmux -S %s attach -t %s", t.sock, name), ready)
}

// newSide starts the system called name: "duet" or "tmux".
func newSide(tb testing.TB, name string) side {
	tb.Helper()
	if name == "duet" {
		return newDuetSide(tb)
	}
	return newTmuxSide(tb)
}

var sideNames = []string{"duet", "tmux"}
