package join

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
)

// joinStore returns a key store on a fresh temporary config dir.
func joinStore(tb testing.TB) *keys.Store {
	tb.Helper()
	s, err := keys.Open(filepath.Join(tb.TempDir(), "duet"))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// duetKey returns the store's identity, created if missing.
func duetKey(tb testing.TB, s *keys.Store) *keys.Key {
	tb.Helper()
	k, err := s.LoadOrCreateIdentity()
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// testAddr returns the Address of a loopback listener address "127.0.0.1:port".
func testAddr(tb testing.TB, hostport, user string) Address {
	tb.Helper()
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		tb.Fatal(err)
	}
	return Address{User: user, Host: host, Port: n}
}

// statuses records the Status a Conn reports.
type statuses = statusLog[Status, State]

func newStatuses() *statuses {
	return newStatusLog(func(s Status) State { return s.State })
}

// joined is a Conn whose output is collected until it ends.
type joined struct {
	*Conn
	out    *duettest.Output
	copied chan struct{} // closed when the output is all read
}

// join dials addr with cfg (its Store and Logger filled in if missing), collects the
// output, and closes the Conn when the test ends, checking that its goroutines are gone.
func dialJoin(tb testing.TB, addr Address, cfg Config) *joined {
	tb.Helper()
	c, err := dialTest(tb, addr, cfg)
	if err != nil {
		tb.Fatalf("Dial: %v", err)
	}
	j := &joined{Conn: c, out: &duettest.Output{}, copied: make(chan struct{})}
	go func() {
		defer close(j.copied)
		io.Copy(j.out, c)
	}()
	tb.Cleanup(func() {
		c.Close()
		<-j.copied
	})
	return j
}

// dialTest is Dial with the defaults of the tests: only Duet's key, a quick keepalive.
func dialTest(tb testing.TB, addr Address, cfg Config) (*Conn, error) {
	tb.Helper()
	if cfg.Store == nil {
		cfg.Store = joinStore(tb)
	}
	if cfg.IdentityFile == "" && cfg.SSHDir == "" && cfg.AgentSocket == "" {
		cfg.NoUserKeys = true
	}
	ctx, cancel := context.WithTimeout(context.Background(), duettest.Timeout)
	defer cancel()
	c, err := Dial(ctx, addr, cfg)
	if err == nil {
		tb.Cleanup(func() { c.Close() })
	}
	return c, err
}

// wait waits for the joined session to end and returns Wait's results.
func (j *joined) wait(tb testing.TB) (int, error) {
	tb.Helper()
	t := time.NewTimer(duettest.Timeout)
	defer t.Stop()
	select {
	case <-j.Done():
	case <-t.C:
		tb.Fatalf("timed out waiting for the session to end; output %q", duettest.Tail(j.out.Bytes(), 400))
	}
	select {
	case <-j.copied:
	case <-t.C:
		tb.Fatal("timed out waiting for the output to end")
	}
	return j.Wait()
}

// typeLine writes s and a carriage return, as a terminal sends Enter.
func (j *joined) typeLine(tb testing.TB, s string) {
	tb.Helper()
	if _, err := j.Write([]byte(s + "\r")); err != nil {
		tb.Fatalf("write: %v", err)
	}
}

// retypeUntil types s until want appears. A test uses it where the line may be read
// before the state it checks: just after a reconnect (on a loaded machine a short
// keepalive can time out once more, and keys typed while disconnected beyond the held
// bound are dropped), or after a resize the host applies a moment later.
func (j *joined) retypeUntil(tb testing.TB, s, want string) {
	tb.Helper()
	deadline := time.Now().Add(duettest.Timeout)
	for {
		if _, err := j.Write([]byte(s + "\r")); err == nil {
			if j.out.WaitWithin(want, 2*time.Second) {
				return
			}
		} else if !errors.Is(err, ErrDisconnected) {
			tb.Fatalf("write: %v", err)
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%q never showed %q", s, want)
		}
		time.Sleep(50 * time.Millisecond) // a retry interval while the link comes back
	}
}

// duetHost runs h on a loopback port, sharing an interactive sh as session "main", with
// the given keys approved to type, until the test ends. It returns the address.
// (Unlike serve, it allows several hosts in one test.)
func duetHost(tb testing.TB, h *host.Server, approved ...ssh.PublicKey) string {
	tb.Helper()
	reg := &sessions.Registry{}
	if _, err := reg.Start(sessions.Options{Command: []string{"/bin/sh"}, Env: []string{"PS1=$ ", "ENV=", "HISTFILE="}}); err != nil {
		tb.Fatal(err)
	}
	h.Sessions = reg
	if h.Approved == nil {
		h.Approved = keys.NewApproved(filepath.Join(tb.TempDir(), "approved_keys"))
	}
	for _, k := range approved {
		if err := h.Approved.Add(k, keys.RoleType, "partner"); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Cleanup(func() { reg.Close() }) // runs after the host's shutdown below
	return duettest.Serve(tb, h, host.ErrServerClosed)
}

// checkNoJoinGoroutines fails if a Conn's goroutine is still running once every Conn
// of the test is closed.
func checkNoJoinGoroutines(tb testing.TB) {
	tb.Helper()
	// Runs after the Conns' own cleanups, which are registered later.
	duettest.CheckGoroutines(tb, "Close", "join.(*Conn)", "join.(*link)")
}
