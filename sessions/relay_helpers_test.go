//go:build !windows

package sessions

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/sshdtest"
	"github.com/duetpair/duet/keys"
)

// relayServer is an OpenSSH sshd acting as the relay, which the test can kill and start
// again on the same port with the same host key.
type relayServer struct {
	*sshdtest.Server
	opt sshdtest.Options
}

// startRelayServer starts sshd with forwarding allowed, letting the keys in.
func startRelayServer(tb testing.TB, opt sshdtest.Options, authorized ...ssh.PublicKey) *relayServer {
	tb.Helper()
	if opt.HostKey == nil {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			tb.Fatal(err)
		}
		opt.HostKey = priv
	}
	opt.Forwarding = true
	opt.Authorized = authorized
	return &relayServer{Server: sshdtest.Start(tb, opt), opt: opt}
}

// restart kills sshd, and every connection it serves, and starts it again.
func (s *relayServer) restart(tb testing.TB) {
	tb.Helper()
	s.Stop()
	opt := s.opt
	opt.Port = s.Port
	s.Server = sshdtest.Start(tb, opt)
}

// address returns the relay as Relay.Server wants it.
func (s *relayServer) address(tb testing.TB) Address {
	tb.Helper()
	a, err := ParseServer(s.User + "@" + s.Addr)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// relayStatuses records what a Relay reports.
type relayStatuses = statusLog[RelayStatus, RelayState]

func newRelayStatuses() *relayStatuses {
	return newStatusLog(func(s RelayStatus) RelayState { return s.State })
}

// startRelay starts r (with the tests' defaults: only Duet's key, trust the relay, a
// quick keepalive) and closes it when the test ends, checking that its goroutines are
// gone.
func startRelay(tb testing.TB, r *Relay) *relayStatuses {
	tb.Helper()
	st := newRelayStatuses()
	r.Status = st.add
	if r.IdentityFile == "" && r.SSHDir == "" && r.AgentSocket == "" {
		r.NoUserKeys = true
	}
	if r.ConfirmHost == nil {
		r.ConfirmHost = (&trustAll{}).confirm
	}
	if r.KeepAlive == 0 {
		r.KeepAlive = 500 * time.Millisecond
	}
	if err := startWithin(r); err != nil {
		tb.Fatalf("Relay.Start: %v", err)
	}
	tb.Cleanup(func() {
		r.Close()
		// A goroutine that has called wg.Done may still be on its way out: give the
		// stragglers a moment, as serve does.
		g := relayGoroutines()
		for deadline := time.Now().Add(5 * time.Second); g != "" && time.Now().Before(deadline); g = relayGoroutines() {
			runtime.Gosched()
		}
		if g != "" {
			tb.Errorf("goroutines left after Relay.Close:\n%s", g)
		}
	})
	return st
}

func startWithin(r *Relay) error {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	return r.Start(ctx)
}

// relayGoroutines returns the stacks of goroutines running a Relay's code.
func relayGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var left []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "sessions.(*Relay)") || strings.Contains(g, "sessions.(*relayLink)") {
			left = append(left, g)
		}
	}
	return strings.Join(left, "\n\n")
}

// hostStore returns a config dir whose identity the relay lets in, and the host key.
func hostStore(tb testing.TB) (*keys.Store, ssh.Signer) {
	tb.Helper()
	store := joinStore(tb)
	duetKey(tb, store)
	hk, err := store.LoadOrCreateHostKey()
	if err != nil {
		tb.Fatal(err)
	}
	return store, hk.Signer
}

// recorder is a TCP proxy that keeps every byte it carries, both ways: what the relay
// sees of a partner's connection.
type recorder struct {
	l      net.Listener
	target string
	wg     sync.WaitGroup

	mu    sync.Mutex // guards the fields below
	seen  bytes.Buffer
	conns []net.Conn
}

func newRecorder(tb testing.TB, target string) *recorder {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	r := &recorder{l: l, target: target}
	r.wg.Go(r.accept)
	tb.Cleanup(func() {
		l.Close()
		r.mu.Lock()
		for _, c := range r.conns {
			c.Close()
		}
		r.mu.Unlock()
		r.wg.Wait()
	})
	return r
}

func (r *recorder) addr() string { return r.l.Addr().String() }

func (r *recorder) accept() {
	for {
		in, err := r.l.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", r.target)
		if err != nil {
			in.Close()
			continue
		}
		r.mu.Lock()
		r.conns = append(r.conns, in, out)
		r.mu.Unlock()
		r.wg.Go(func() { r.copy(out, in) })
		r.wg.Go(func() { r.copy(in, out) })
	}
}

func (r *recorder) copy(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			r.mu.Lock()
			r.seen.Write(buf[:n])
			r.mu.Unlock()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (r *recorder) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.seen.Bytes())
}

// hostPort is "host:port" for a relay status's port on host.
func hostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
