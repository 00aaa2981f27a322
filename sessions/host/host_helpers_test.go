package host

import (
	"errors"
	"io"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// serve runs h on a loopback port until the test ends, then shuts it down and checks that
// none of its goroutines is left. It returns the address.
func serve(tb testing.TB, h *Server) string {
	tb.Helper()
	duettest.CheckGoroutines(tb, "Shutdown", "host.(*Server)", "host.(*conn)", "host.(*pacedChannel)") // after Shutdown, registered below
	return duettest.Serve(tb, h, ErrServerClosed)
}

func dial(tb testing.TB, addr, user string, signer ssh.Signer) (*ssh.Client, error) {
	tb.Helper()
	return ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User:            user,
		Auth:            duettest.KeyAuth(signer),
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         duettest.Timeout,
	})
}

// partner is a Go SSH client in a session channel.
type partner struct {
	client *ssh.Client
	sess   *ssh.Session
	stdin  io.WriteCloser
	out    *duettest.Output // stdout and stderr
	done   chan struct{}
	err    error // of Wait, once done is closed
}

// join connects as user with signer and starts a shell (cmd == "") or cmd, with a
// terminal of 80x24 if pty is set.
func join(tb testing.TB, addr, user string, signer ssh.Signer, cmd string, pty bool) *partner {
	tb.Helper()
	return joinNamed(tb, addr, user, signer, "", cmd, pty)
}

// joinNamed joins as join does, telling the host the display name first as a Duet
// partner does (wire.NameRequest; "" tells none, as OpenSSH).
func joinNamed(tb testing.TB, addr, user string, signer ssh.Signer, name, cmd string, pty bool) *partner {
	tb.Helper()
	client, err := dial(tb, addr, user, signer)
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	tb.Cleanup(func() { client.Close() })
	return startOn(tb, client, name, cmd, pty)
}

// startShell opens a session channel on client with an 80x24 terminal and a shell.
func startShell(tb testing.TB, client *ssh.Client) *partner {
	tb.Helper()
	return startOn(tb, client, "", "", true)
}

// startOn opens a session channel on client, tells the host name (if not ""), and
// starts a shell (cmd == "") or cmd, with a terminal of 80x24 if pty is set.
func startOn(tb testing.TB, client *ssh.Client, name, cmd string, pty bool) *partner {
	tb.Helper()
	sess, err := client.NewSession()
	if err != nil {
		tb.Fatalf("new session: %v", err)
	}
	p := &partner{client: client, sess: sess, out: &duettest.Output{}, done: make(chan struct{})}
	sess.Stdout, sess.Stderr = p.out, p.out
	if p.stdin, err = sess.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	if name != "" {
		if _, err := sess.SendRequest(wire.NameRequest, false, wire.MarshalName(name)); err != nil {
			tb.Fatalf("name request: %v", err)
		}
	}
	if pty {
		if err := sess.RequestPty("xterm-256color", 24, 80, nil); err != nil {
			tb.Fatalf("pty-req: %v", err)
		}
	}
	if cmd == "" {
		err = sess.Shell()
	} else {
		err = sess.Start(cmd)
	}
	if err != nil {
		tb.Fatalf("start: %v", err)
	}
	go func() {
		p.err = sess.Wait()
		close(p.done)
	}()
	return p
}

// wait waits for the session channel to end and returns its exit status (-1 without one).
func (p *partner) wait(tb testing.TB) int {
	tb.Helper()
	t := time.NewTimer(duettest.Timeout)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		tb.Fatalf("timed out waiting for the session to end; output %q", duettest.Tail(p.out.Bytes(), 300))
	}
	var ee *ssh.ExitError
	switch {
	case p.err == nil:
		return 0
	case errors.As(p.err, &ee):
		return ee.ExitStatus()
	}
	return -1
}

// shellOptions are those of a /bin/sh session called name with a plain prompt.
func shellOptions(name string) sessions.Options {
	return sessions.Options{Name: name, Command: []string{"/bin/sh"}, Env: []string{"PS1=$ ", "ENV=", "HISTFILE="}}
}

// attachHost attaches a client to s as the host's own window does, collecting its output
// until the test ends; writing to the stream types into the session.
func attachHost(tb testing.TB, s *sessions.Session) (*sessions.Stream, *duettest.Output) {
	tb.Helper()
	c, err := s.Attach(sessions.AttachOptions{Name: "host"})
	if err != nil {
		tb.Fatal(err)
	}
	st, out := sessions.NewStream(c), &duettest.Output{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		io.Copy(out, st)
	}()
	tb.Cleanup(func() {
		st.Close()
		<-done
	})
	return st, out
}
