//go:build !windows

package join

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"strconv"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
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
		duettest.NoGoroutines(tb, "Relay.Close", "join.(*Relay)", "join.(*relayLink)")
	})
	return st
}

func startWithin(r *Relay) error {
	ctx, cancel := context.WithTimeout(context.Background(), duettest.Timeout)
	defer cancel()
	return r.Start(ctx)
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

// hostPort is "host:port" for a relay status's port on host.
func hostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
