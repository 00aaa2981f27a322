//go:build !windows

package host

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/internal/sshdtest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/record"
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
		User: user, Auth: duettest.KeyAuth(signer),
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: duettest.Timeout,
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
	reg    *sessions.Registry
	addr   string
	signer ssh.Signer
	record string // a dir: each session started is recorded into it
	user   string // appended to the session's name as the user name ("+nostatus")
}

func newDuetSide(tb testing.TB) *duetSide {
	tb.Helper()
	d := &duetSide{reg: &sessions.Registry{}, signer: duettest.Signer(tb)}
	tb.Cleanup(func() { d.reg.Close() })
	approved := keys.NewApproved(filepath.Join(tb.TempDir(), "approved_keys"))
	if err := approved.Add(d.signer.PublicKey(), keys.RoleType, "bench"); err != nil {
		tb.Fatal(err)
	}
	d.addr = serve(tb, &Server{Sessions: d.reg, Approved: approved, MaxPartners: 64})
	return d
}

func (d *duetSide) start(tb testing.TB, name, script string) {
	tb.Helper()
	s, err := d.reg.Start(sessions.Options{Name: name, Command: []string{"/bin/sh", "-c", script}})
	if err != nil {
		tb.Fatal(err)
	}
	if d.record != "" {
		rec, err := record.Create(filepath.Join(d.record, name+".cast"), record.Options{HostKey: d.signer, Session: name, Cols: 80, Rows: 24})
		if err != nil {
			tb.Fatal(err)
		}
		s.SetTap(rec)
		tb.Cleanup(func() {
			s.SetTap(nil)
			rec.Close()
		})
	}
}

func (d *duetSide) join(tb testing.TB, name, ready string) (*benchClient, <-chan struct{}) {
	return dialBench(tb, d.addr, name+d.user, d.signer, "", ready)
}

// tmuxSide is OpenSSH's sshd on loopback with `tmux attach` as the command.
type tmuxSide struct {
	sock   string // the tmux server's socket
	srv    *sshdtest.Server
	signer ssh.Signer
}

// newTmuxSide starts sshd with its own config, host key and authorized_keys, and a tmux
// server, or skips if either is missing.
func newTmuxSide(tb testing.TB) *tmuxSide {
	tb.Helper()
	tmux := sshdtest.NeedTmux(tb)
	t := &tmuxSide{sock: filepath.Join(tb.TempDir(), "tmux.sock"), signer: duettest.Signer(tb)}
	t.srv = sshdtest.Start(tb, sshdtest.Options{Authorized: []ssh.PublicKey{t.signer.PublicKey()}})
	tb.Cleanup(func() { exec.Command(tmux, "-S", t.sock, "kill-server").Run() })
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
	return dialBench(tb, t.srv.Addr, t.srv.User, t.signer, fmt.Sprintf("tmux -S %s attach -t %s", t.sock, name), ready)
}

// newSide starts the system called name: "duet" (whose partners have a status line),
// "duet-nostatus" (whose partners turned it off) or "tmux".
func newSide(tb testing.TB, name string) side {
	tb.Helper()
	switch name {
	case "duet":
		return newDuetSide(tb)
	case "duet-nostatus":
		d := newDuetSide(tb)
		d.user = "+" + noStatusOption
		return d
	}
	return newTmuxSide(tb)
}

var sideNames = []string{"duet", "tmux"}
