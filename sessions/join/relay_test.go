//go:build !windows

package join

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/internal/sshdtest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/host"
)

// TestRelay: a real sshd relays partners to the host. A Duet partner (with the invite)
// and an OpenSSH partner (whose key the host is asked about) join through the relay's
// port, and the bytes that cross that port, which is all the relay can see, never show
// what was typed or shown in the session.
func TestRelay(t *testing.T) {
	checkNoJoinGoroutines(t)
	hstore, hostKey := hostStore(t)
	srv := startRelayServer(t, sshdtest.Options{}, duetKey(t, hstore).PublicKey())
	partner := joinStore(t)
	sshKey, sshSigner := duettest.KeyFile(t)
	asked := make(chan host.ApprovalRequest, 1)
	h := &host.Server{HostKey: hostKey, Approve: func(ctx context.Context, req host.ApprovalRequest) host.Decision {
		asked <- req
		return host.Decision{Answer: host.AllowOnce}
	}}
	duetHost(t, h, duetKey(t, partner).PublicKey())
	r := &Relay{Host: h, Server: srv.address(t), Store: hstore}
	st := startRelay(t, r)

	up := st.wait(t, RelayListening, 1)
	if !up.Public || up.Host != "127.0.0.1" || up.Port == 0 || up.Jump != "" {
		t.Fatalf("listening status %+v", up)
	}
	if got := r.Current(); got.State != RelayListening || got.Port != up.Port {
		t.Errorf("Current() = %+v", got)
	}
	rec := duettest.NewRecorder(t, hostPort("127.0.0.1", up.Port))
	_, recPort, _ := net.SplitHostPort(rec.Addr())

	fp, _ := h.Fingerprint()
	t.Run("duet join with the invite", func(t *testing.T) {
		inv, err := ParseAddress(up.Invite("main", fp))
		if err != nil || inv.HostKey != fp || inv.Port != up.Port {
			t.Fatalf("invite %q: %+v, %v", up.Invite("main", fp), inv, err)
		}
		inv.Port, _ = strconv.Atoi(recPort) // through the recorder
		j := dialJoin(t, inv, Config{Store: partner, Term: "xterm", Cols: 80, Rows: 24})
		j.typeLine(t, "echo secret-$((6*7))")
		j.out.WaitFor(t, "secret-42")
	})
	t.Run("OpenSSH", func(t *testing.T) {
		if got, want := up.SSHCommand("main"), "ssh -p "+itoa(up.Port)+" main@127.0.0.1"; got != want {
			t.Errorf("SSHCommand = %q, want %q", got, want)
		}
		p := duettest.RunSSH(t, duettest.SSHArgs(t, rec.Addr(), sshKey, "main"), false)
		select {
		case req := <-asked:
			if req.Fingerprint != keys.Fingerprint(sshSigner.PublicKey()) {
				t.Errorf("asked about %s", req.Fingerprint)
			}
			if ta, ok := req.Remote.(*net.TCPAddr); !ok || !ta.IP.IsLoopback() {
				t.Errorf("partner's address %v (%T), want the one the relay saw", req.Remote, req.Remote)
			}
		case <-time.After(duettest.Timeout):
			t.Fatal("the host was not asked about the OpenSSH partner")
		}
		p.Out.WaitFor(t, "secret-42") // the repaint of the shared screen
		p.Type(t, "echo hidden-$((7*8))\r")
		p.Out.WaitFor(t, "hidden-56")
	})

	seen := rec.Recorded()
	if !bytes.Contains(seen, []byte("SSH-2.0-Duet")) {
		t.Fatalf("the recorder saw no connection to the Duet host: %q", duettest.Tail(seen, 200))
	}
	for _, marker := range []string{"secret", "hidden", "waiting for the host"} {
		if bytes.Contains(seen, []byte(marker)) {
			t.Errorf("%q crossed the relay in clear", marker)
		}
	}
}

// TestRelayRestart: the relay's sshd is killed, with every connection it serves, and
// started again on its port: the host registers the same port again, the partner's
// connection comes back by itself, and a new partner joins.
func TestRelayRestart(t *testing.T) {
	checkNoJoinGoroutines(t)
	hstore, hostKey := hostStore(t)
	srv := startRelayServer(t, sshdtest.Options{}, duetKey(t, hstore).PublicKey())
	partner := joinStore(t)
	h := &host.Server{HostKey: hostKey}
	duetHost(t, h, duetKey(t, partner).PublicKey())
	st := startRelay(t, &Relay{Host: h, Server: srv.address(t), Store: hstore})
	up := st.wait(t, RelayListening, 1)
	fp, _ := h.Fingerprint()
	inv, err := ParseAddress(up.Invite("main", fp))
	if err != nil {
		t.Fatal(err)
	}
	js := newStatuses()
	j := dialJoin(t, inv, Config{Store: partner, Term: "xterm", Cols: 80, Rows: 24, Status: js.add})
	j.typeLine(t, "echo before-$((1+1))")
	j.out.WaitFor(t, "before-2")

	srv.restart(t)
	st.wait(t, RelayRetrying, 1)
	again := st.wait(t, RelayListening, 2)
	if again.Port != up.Port || again.Invite("main", fp) != up.Invite("main", fp) {
		t.Errorf("after the restart %+v, before %+v: want the same port", again, up)
	}
	js.wait(t, Reconnected, 1)
	j.retypeUntil(t, "echo after-$((2+2))", "after-4")

	j2 := dialJoin(t, inv, Config{Store: partner, Term: "xterm", Cols: 80, Rows: 24})
	j2.out.WaitFor(t, "after-4")
}

// TestRelaySilentDrop: a link that goes silent (no FIN, no reset) is noticed by the
// keepalive and made again. The relay's sshd has not noticed and still holds the old
// port, so the relay takes another, and says so.
func TestRelaySilentDrop(t *testing.T) {
	checkNoJoinGoroutines(t)
	hstore, hostKey := hostStore(t)
	srv := startRelayServer(t, sshdtest.Options{}, duetKey(t, hstore).PublicKey())
	p := duettest.NewProxy(t, srv.Addr)
	partner := joinStore(t)
	h := &host.Server{HostKey: hostKey}
	duetHost(t, h, duetKey(t, partner).PublicKey())
	server := testAddr(t, p.Addr(), srv.User)
	server.SSH = true
	st := startRelay(t, &Relay{Host: h, Server: server, Store: hstore, KeepAlive: 200 * time.Millisecond})
	up := st.wait(t, RelayListening, 1)

	p.BlackHole()
	if got := st.wait(t, RelayRetrying, 1); got.Attempt != 1 {
		t.Errorf("retrying %+v", got)
	}
	again := st.wait(t, RelayListening, 2)
	if again.Port == up.Port {
		t.Errorf("listening on port %d again, which the old link still holds", again.Port)
	}
	fp, _ := h.Fingerprint()
	inv, _ := ParseAddress(again.Invite("main", fp))
	j := dialJoin(t, inv, Config{Store: partner, Term: "xterm", Cols: 80, Rows: 24})
	j.retypeUntil(t, "echo back-$((3+3))", "back-6")
}

// TestRelayGatewayPorts: whether partners reach the relay's port from elsewhere depends
// on its sshd's GatewayPorts; the relay finds out and says which address to use. With
// the loopback only, partners jump through the relay (as ssh -J does), and the invite
// says so. 127.0.0.2 stands for the relay's public address.
func TestRelayGatewayPorts(t *testing.T) {
	if l, err := net.Listen("tcp", "127.0.0.2:0"); err != nil {
		t.Skip("no 127.0.0.2 on this system")
	} else {
		l.Close()
	}
	for _, tc := range []struct {
		gatewayPorts string
		public       bool
	}{{"", false}, {"clientspecified", true}, {"yes", true}} {
		t.Run("GatewayPorts="+tc.gatewayPorts, func(t *testing.T) {
			checkNoJoinGoroutines(t)
			hstore, hostKey := hostStore(t)
			partner := joinStore(t)
			srv := startRelayServer(t, sshdtest.Options{ListenAddress: "127.0.0.2", GatewayPorts: tc.gatewayPorts},
				duetKey(t, hstore).PublicKey(), duetKey(t, partner).PublicKey())
			h := &host.Server{HostKey: hostKey}
			duetHost(t, h, duetKey(t, partner).PublicKey())
			st := startRelay(t, &Relay{Host: h, Server: srv.address(t), Store: hstore})
			up := st.wait(t, RelayListening, 1)
			if up.Public != tc.public {
				t.Fatalf("status %+v, want Public %v", up, tc.public)
			}
			fp, _ := h.Fingerprint()
			inv, err := ParseAddress(up.Invite("main", fp))
			if err != nil {
				t.Fatal(err)
			}
			want := Address{User: "main", Host: "127.0.0.2", Port: up.Port, HostKey: fp}
			wantSSH := "ssh -p " + itoa(up.Port) + " main@127.0.0.2"
			if !tc.public {
				want.Host, want.Jump = "localhost", srv.Addr
				wantSSH = "ssh -J " + srv.Addr + " -p " + itoa(up.Port) + " main@localhost"
			}
			if inv != want {
				t.Errorf("invite %q reads %+v, want %+v", up.Invite("main", fp), inv, want)
			}
			if got := up.SSHCommand("main"); got != wantSSH {
				t.Errorf("SSHCommand = %q, want %q", got, wantSSH)
			}
			j := dialJoin(t, inv, Config{Store: partner, Term: "xterm", Cols: 80, Rows: 24,
				ConfirmHost: (&trustAll{}).confirm})
			j.typeLine(t, "echo via-$((4+4))")
			j.out.WaitFor(t, "via-8")
		})
	}
}

// TestRelayRefused: what stops a relay, and what its user is told.
func TestRelayRefused(t *testing.T) {
	hstore, hostKey := hostStore(t)
	relayKey := duetKey(t, hstore).PublicKey()
	start := func(t *testing.T, r *Relay) (*relayStatuses, error) {
		st := newRelayStatuses()
		r.Status, r.NoUserKeys, r.Store = st.add, true, hstore
		if r.Host == nil {
			r.Host = &host.Server{HostKey: hostKey}
		}
		err := startWithin(r)
		t.Cleanup(func() { r.Close() })
		return st, err
	}

	t.Run("unknown relay key, nobody to ask", func(t *testing.T) {
		srv := startRelayServer(t, sshdtest.Options{}, relayKey)
		st, err := start(t, &Relay{Server: srv.address(t)})
		if !errors.Is(err, keys.ErrUnknownHost) {
			t.Fatalf("Start = %v, want an unknown host", err)
		}
		if got := st.wait(t, RelayStopped, 1); !errors.Is(got.Err, keys.ErrUnknownHost) {
			t.Errorf("stopped with %v", got.Err)
		}
	})
	t.Run("closed while asking about the relay", func(t *testing.T) {
		srv := startRelayServer(t, sshdtest.Options{}, relayKey)
		asked, answer := make(chan struct{}), make(chan struct{})
		r := &Relay{Server: srv.address(t), ConfirmHost: func(string, ssh.PublicKey) error {
			close(asked)
			<-answer
			return errors.New("no")
		}}
		started := make(chan error, 1)
		go func() {
			_, err := start(t, r)
			started <- err
		}()
		<-asked
		r.Close()
		close(answer)
		if err := <-started; !errors.Is(err, ErrRelayClosed) {
			t.Errorf("Start = %v, want ErrRelayClosed", err)
		}
	})
	t.Run("forwarding not allowed", func(t *testing.T) {
		srv := sshdtest.Start(t, sshdtest.Options{Authorized: []ssh.PublicKey{relayKey}})
		a, _ := ParseServer(srv.User + "@" + srv.Addr)
		_, err := start(t, &Relay{Server: a, ConfirmHost: (&trustAll{}).confirm})
		if !errors.Is(err, ErrForwardRefused) {
			t.Fatalf("Start = %v, want ErrForwardRefused", err)
		}
	})
	t.Run("relay key changed", func(t *testing.T) {
		srv := startRelayServer(t, sshdtest.Options{}, relayKey)
		st, err := start(t, &Relay{Server: srv.address(t), ConfirmHost: (&trustAll{}).confirm, KeepAlive: -1})
		if err != nil {
			t.Fatal(err)
		}
		srv.opt.HostKey = nil // a new key
		srv.restart(t)
		if got := st.wait(t, RelayStopped, 1); !errors.Is(got.Err, keys.ErrHostKeyChanged) {
			t.Errorf("stopped with %v, want a changed host key", got.Err)
		}
	})
	t.Run("host shut down", func(t *testing.T) {
		// The partners who came through the relay get the host's parting message.
		checkNoJoinGoroutines(t)
		srv := startRelayServer(t, sshdtest.Options{}, relayKey)
		partner := joinStore(t)
		h := &host.Server{HostKey: hostKey}
		duetHost(t, h, duetKey(t, partner).PublicKey())
		st, err := start(t, &Relay{Host: h, Server: srv.address(t), ConfirmHost: (&trustAll{}).confirm})
		if err != nil {
			t.Fatal(err)
		}
		up := st.wait(t, RelayListening, 1)
		fp, _ := h.Fingerprint()
		inv, _ := ParseAddress(up.Invite("main", fp))
		j := dialJoin(t, inv, Config{Store: partner, Term: "xterm", Cols: 80, Rows: 24, ReconnectFor: -1})
		j.typeLine(t, "echo in-$((1+1))")
		j.out.WaitFor(t, "in-2")
		if err := h.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		j.out.WaitFor(t, "the host stopped sharing")
		if got := st.wait(t, RelayStopped, 1); got.Err != nil {
			t.Errorf("stopped with %v", got.Err)
		}
	})
}
