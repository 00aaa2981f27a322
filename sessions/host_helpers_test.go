package sessions

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func newSigner(tb testing.TB) ssh.Signer {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// serve runs h on a loopback port until the test ends, then shuts it down and checks that
// none of its goroutines is left. It returns the address.
func serve(tb testing.TB, h *Host) string {
	tb.Helper()
	return serveOn(tb, h, true)
}

// serveOn is serve; the goroutine check is left out by tests that run several hosts at
// once (it cannot tell one host's goroutines from another's).
func serveOn(tb testing.TB, h *Host, checkGoroutines bool) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- h.Serve(l) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			tb.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, ErrServerClosed) {
			tb.Errorf("Serve = %v, want ErrServerClosed", err)
		}
		if !checkGoroutines {
			return
		}
		// A goroutine that has called wg.Done may still be on its way out: give the
		// stragglers a moment, as goleak does.
		var g string
		deadline := time.Now().Add(5 * time.Second)
		for g = hostGoroutines(); g != "" && time.Now().Before(deadline); g = hostGoroutines() {
			runtime.Gosched()
		}
		if g != "" {
			tb.Errorf("goroutines left after Shutdown:\n%s", g)
		}
	})
	return l.Addr().String()
}

// hostGoroutines returns the stacks of goroutines running the host's code.
func hostGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var left []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "sessions.(*Host)") || strings.Contains(g, "sessions.(*conn)") {
			left = append(left, g)
		}
	}
	return strings.Join(left, "\n\n")
}

func dial(tb testing.TB, addr, user string, signer ssh.Signer) (*ssh.Client, error) {
	tb.Helper()
	return ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         waitTimeout,
	})
}

// partner is a Go SSH client in a session channel.
type partner struct {
	client *ssh.Client
	sess   *ssh.Session
	stdin  io.WriteCloser
	out    *collector // stdout and stderr
	done   chan struct{}
	err    error // of Wait, once done is closed
}

// join connects as user with signer and starts a shell (cmd == "") or cmd, with a
// terminal of 80x24 if pty is set.
func join(tb testing.TB, addr, user string, signer ssh.Signer, cmd string, pty bool) *partner {
	tb.Helper()
	client, err := dial(tb, addr, user, signer)
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	tb.Cleanup(func() { client.Close() })
	sess, err := client.NewSession()
	if err != nil {
		tb.Fatalf("new session: %v", err)
	}
	p := &partner{client: client, sess: sess, out: newCollector(), done: make(chan struct{})}
	sess.Stdout, sess.Stderr = p.out, p.out
	if p.stdin, err = sess.StdinPipe(); err != nil {
		tb.Fatal(err)
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
	t := time.NewTimer(waitTimeout)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		tb.Fatalf("timed out waiting for the session to end; output %q", tail(p.out.Bytes(), 300))
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
