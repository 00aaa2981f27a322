package sessions

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
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

// statuses records the JoinStatus a Conn reports.
type statuses = statusLog[JoinStatus, JoinState]

func newStatuses() *statuses {
	return newStatusLog(func(s JoinStatus) JoinState { return s.State })
}

// joined is a Conn whose output is collected until it ends.
type joined struct {
	*Conn
	out    *collector
	copied chan struct{} // closed when the output is all read
}

// join dials addr with cfg (its Store and Logger filled in if missing), collects the
// output, and closes the Conn when the test ends, checking that its goroutines are gone.
func dialJoin(tb testing.TB, addr Address, cfg JoinConfig) *joined {
	tb.Helper()
	c, err := dialTest(tb, addr, cfg)
	if err != nil {
		tb.Fatalf("Dial: %v", err)
	}
	j := &joined{Conn: c, out: newCollector(), copied: make(chan struct{})}
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
func dialTest(tb testing.TB, addr Address, cfg JoinConfig) (*Conn, error) {
	tb.Helper()
	if cfg.Store == nil {
		cfg.Store = joinStore(tb)
	}
	if cfg.IdentityFile == "" && cfg.SSHDir == "" && cfg.AgentSocket == "" {
		cfg.NoUserKeys = true
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
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
	t := time.NewTimer(waitTimeout)
	defer t.Stop()
	select {
	case <-j.Done():
	case <-t.C:
		tb.Fatalf("timed out waiting for the session to end; output %q", tail(j.out.Bytes(), 400))
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

// typeLineAfterReconnect types s until want appears. A test that has just seen a reconnect
// uses it: on a loaded machine a short keepalive can time out once more, and keys typed
// while disconnected are dropped by design, so the line is typed again once the link is
// back.
func (j *joined) typeLineAfterReconnect(tb testing.TB, s, want string) {
	tb.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		if _, err := j.Write([]byte(s + "\r")); err == nil {
			if j.out.waitWithin(want, 2*time.Second) {
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
func duetHost(tb testing.TB, h *Host, approved ...ssh.PublicKey) string {
	tb.Helper()
	reg := &Registry{}
	if _, err := reg.Start(Options{Command: []string{"/bin/sh"}, Env: []string{"PS1=$ ", "ENV=", "HISTFILE="}}); err != nil {
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
	return serveOn(tb, h, false)
}

// joinGoroutines returns the stacks of goroutines running a Conn's code.
func joinGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var left []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "sessions.(*Conn)") || strings.Contains(g, "sessions.(*link)") {
			left = append(left, g)
		}
	}
	return strings.Join(left, "\n\n")
}

// checkNoJoinGoroutines fails if a Conn's goroutine is still running once every Conn
// of the test is closed.
func checkNoJoinGoroutines(tb testing.TB) {
	tb.Helper()
	// Runs after the Conns' own cleanups, which are registered later.
	tb.Cleanup(func() {
		if g := joinGoroutines(); g != "" {
			tb.Errorf("goroutines left after Close:\n%s", g)
		}
	})
}

// proxy is a TCP proxy in front of a server, which the test can cut, black-hole, or
// make refuse new connections: a network under the test's control.
type proxy struct {
	l      net.Listener
	target string
	wg     sync.WaitGroup

	mu     sync.Mutex // guards the fields below
	pairs  []*proxyPair
	count  int  // connections forwarded
	refuse bool // close new connections at once
}

// proxyPair is one forwarded connection.
type proxyPair struct {
	in, out net.Conn
	hole    atomic.Bool // drop what comes, both ways, and keep the connection open
}

// newProxy forwards connections to target until the test ends.
func newProxy(tb testing.TB, target string) *proxy {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &proxy{l: l, target: target}
	p.wg.Go(p.accept)
	tb.Cleanup(func() {
		l.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) addr() string { return p.l.Addr().String() }

func (p *proxy) accept() {
	for {
		in, err := p.l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		refuse := p.refuse
		p.mu.Unlock()
		if refuse {
			in.Close()
			continue
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		pair := &proxyPair{in: in, out: out}
		p.mu.Lock()
		p.pairs = append(p.pairs, pair)
		p.count++
		p.mu.Unlock()
		p.wg.Go(func() { pair.copy(out, in) })
		p.wg.Go(func() { pair.copy(in, out) })
	}
}

func (pp *proxyPair) copy(dst, src net.Conn) {
	defer func() {
		if !pp.hole.Load() { // a network gone silent does not pass the end on either
			dst.Close()
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !pp.hole.Load() {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// cut drops every connection through the proxy, as a network failure would.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pp := range p.pairs {
		pp.in.Close()
		pp.out.Close()
	}
	p.pairs = nil
}

// blackHole makes the current connections lose everything, silently, as a network
// that went away without a word does.
func (p *proxy) blackHole() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pp := range p.pairs {
		pp.hole.Store(true)
	}
}

// setRefuse makes new connections fail (true) or go through again (false).
func (p *proxy) setRefuse(refuse bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refuse = refuse
}

func (p *proxy) accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.count
}

// errorsAs is errors.As for tests: it fails the test if err is not a *T.
func errorsAs[T error](tb testing.TB, err error) T {
	tb.Helper()
	var target T
	if !errors.As(err, &target) {
		tb.Fatalf("error %v (%T) is not a %T", err, err, target)
	}
	return target
}
