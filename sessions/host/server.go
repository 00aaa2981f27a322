package host

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// ErrServerClosed is returned by [Server.Serve] after Shutdown.
var ErrServerClosed = errors.New("sessions: host closed")

// Defaults of the Server's limits.
const (
	DefaultApproveTimeout      = 60 * time.Second
	DefaultHandshakeTimeout    = 20 * time.Second
	DefaultLoginGraceTime      = 30 * time.Second
	DefaultMaxUnapproved       = 128 // connections not approved yet, in all
	DefaultMaxUnauthenticated  = 8   // connections not approved yet, per source address
	DefaultMaxPendingApprovals = 16  // questions to the host at once
	DefaultMaxPendingPerSource = 2   // questions to the host at once, per source address
	DefaultMaxPartners         = 32  // per session
	DefaultRecheckInterval     = 250 * time.Millisecond
	maxChannelsPerConn         = 8 // session channels open at once on one approved connection
	maxChannelsUnapproved      = 1 // the same on a connection whose key has no access yet
)

// Server is the embedded SSH server that serves sessions to partners. It is shaped like
// net/http's Server: set the fields, then call Serve, and Shutdown to
// stop. The zero value is usable: it serves an empty registry with a host key made up for
// its lifetime and lets no unknown key in. Fields must not change once serving.
//
// Partners authenticate with a public key only. The key is only recorded during the
// handshake; whether it may join is decided after, by [Server.Approved] or else by asking
// [Server.Approve].
type Server struct {
	// Sessions are the sessions served. The SSH user name picks one by name; an unknown
	// name gets the default session.
	Sessions *sessions.Registry
	// HostKey is the server's key; nil means a new ed25519 key.
	HostKey ssh.Signer
	// Approved keys join with their stored role; nil means no key is approved.
	Approved *keys.Approved
	// Approve is asked about keys that are not approved; nil denies them.
	Approve ApproveFunc
	// Owner is the host's own key, if any: it joins with RoleType without asking.
	Owner ssh.PublicKey
	// DefaultRole is the role of keys approved without one; RoleDefault means RoleType.
	DefaultRole keys.Role
	// ApproveTimeout is how long Approve has to answer before the key is denied;
	// 0 means DefaultApproveTimeout.
	ApproveTimeout time.Duration
	// HandshakeTimeout bounds the SSH handshake and authentication; 0 means
	// DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
	// LoginGraceTime bounds how long a connection may stay without being approved, from
	// its first byte, as sshd's LoginGraceTime: one that has not asked the host anything
	// by then is closed (a question then takes at most ApproveTimeout, and a connection
	// denied or not answered is closed). 0 means DefaultLoginGraceTime.
	LoginGraceTime time.Duration
	// MaxUnapproved bounds the connections not approved yet (in the handshake, or with a
	// key that has no access), in all, as sshd's MaxStartups; 0 means
	// DefaultMaxUnapproved. Approved keys are not counted: they get in when it is reached.
	MaxUnapproved int
	// MaxUnauthenticated bounds the same per source address (an IPv6 /64); 0 means
	// DefaultMaxUnauthenticated. A connection beyond either bound takes the place of the
	// oldest one not waiting for an answer (see waitingRoom).
	MaxUnauthenticated int
	// MaxPendingApprovals bounds questions to Approve at once; more are refused as busy.
	// 0 means DefaultMaxPendingApprovals.
	MaxPendingApprovals int
	// MaxPendingPerSource bounds the same per source address, so that a few addresses
	// cannot keep every new partner out; 0 means DefaultMaxPendingPerSource.
	MaxPendingPerSource int
	// MaxPartners bounds the clients attached to one session; 0 means DefaultMaxPartners.
	MaxPartners int
	// History is how many lines of a session's scrollback a partner who joins gets
	// before the screen, into its terminal's own scrollback: 0 means all the session
	// keeps, NoHistory none. A Duet partner that reconnects gets only what it lacks; the
	// host's own key always gets all of it. SetHistory changes it while serving.
	History int
	// RecheckInterval is how often approved_keys is checked for changes (edits, duet
	// approve, duet revoke), which apply to live partners; 0 means
	// DefaultRecheckInterval.
	RecheckInterval time.Duration
	// NoStatusLine turns off the status line partners in a terminal get on their bottom
	// row (who is here, who drives, the latest chat line; see statusline.go); each partner
	// may turn it off too ("ssh main+nostatus@host").
	NoStatusLine bool
	// Logger receives the host's log; nil discards it. Keys: fp, remote, session.
	Logger *slog.Logger

	initOnce sync.Once
	config   *ssh.ServerConfig
	initErr  error

	historySet atomic.Bool  // SetHistory was called: historyNow replaces History
	historyNow atomic.Int64 // what SetHistory set

	mu           sync.Mutex // guards the fields below
	listeners    map[net.Listener]struct{}
	conns        map[*conn]struct{}
	keys         map[string]*access // by fingerprint: what the host lets each key do
	pending      int                // questions waiting for Approve
	pendingBySrc map[string]int
	closed       bool

	room      waitingRoom   // connections not approved yet
	watchOnce sync.Once     // starts the approved_keys watcher
	quit      chan struct{} // closed by Shutdown

	wg sync.WaitGroup // every goroutine the host starts
}

func (h *Server) init() error {
	h.initOnce.Do(func() {
		if h.Sessions == nil {
			h.Sessions = &sessions.Registry{}
		}
		if h.Logger == nil {
			h.Logger = slog.New(slog.DiscardHandler)
		}
		signer := h.HostKey
		if signer == nil {
			_, priv, err := ed25519.GenerateKey(rand.Reader)
			if err == nil {
				signer, err = ssh.NewSignerFromKey(priv)
			}
			if err != nil {
				h.initErr = fmt.Errorf("create host key: %w", err)
				return
			}
			h.HostKey = signer
		}
		h.config = h.serverConfig(signer)
		h.listeners = make(map[net.Listener]struct{})
		h.conns = make(map[*conn]struct{})
		h.keys = make(map[string]*access)
		h.pendingBySrc = make(map[string]int)
		h.quit = make(chan struct{})
	})
	return h.initErr
}

// Fingerprint returns the SHA256 fingerprint of the host key, as partners see it.
func (h *Server) Fingerprint() (string, error) {
	if err := h.init(); err != nil {
		return "", err
	}
	return keys.Fingerprint(h.HostKey.PublicKey()), nil
}

// Serve accepts connections on l until Shutdown, and returns ErrServerClosed then; l is
// closed when Serve returns.
func (h *Server) Serve(l net.Listener) error {
	if err := h.init(); err != nil {
		l.Close()
		return err
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	h.listeners[l] = struct{}{}
	h.wg.Add(1) // Serve itself, so Shutdown waits until it stops accepting
	h.mu.Unlock()
	h.watchOnce.Do(func() {
		if h.Approved != nil {
			h.wg.Go(h.watchApproved)
		}
	})
	defer h.wg.Done()
	defer func() {
		h.mu.Lock()
		delete(h.listeners, l)
		h.mu.Unlock()
		l.Close()
	}()

	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if h.isClosed() {
				return ErrServerClosed
			}
			if isTemporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				h.Logger.Warn("accept", "err", err)
				t := time.NewTimer(backoff)
				<-t.C
				continue
			}
			return fmt.Errorf("accept: %w", err)
		}
		backoff = 0
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			nc.Close()
			return ErrServerClosed
		}
		h.wg.Add(1)
		h.mu.Unlock()
		go func() {
			defer h.wg.Done()
			h.serveConn(nc)
		}()
	}
}

// isTemporary reports whether an accept error passes (too many open files).
func isTemporary(err error) bool {
	var te interface{ Temporary() bool }
	return errors.As(err, &te) && te.Temporary()
}

func (h *Server) isClosed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

// Shutdown stops the host: it stops listening, tells every partner the host stopped and
// disconnects them. Sessions go on (close the registry to end them). Shutdown returns
// when every goroutine of the host is gone; if ctx ends first, connections are cut at
// once and ctx's error is returned once they are gone.
func (h *Server) Shutdown(ctx context.Context) error {
	return h.shutdown(ctx, wire.Status{State: wire.Stopped, Text: "[duet: the host stopped sharing]"})
}

// shutdown stops the host, telling every partner st.
func (h *Server) shutdown(ctx context.Context, st wire.Status) error {
	if err := h.init(); err != nil {
		return err
	}
	h.mu.Lock()
	if !h.closed {
		close(h.quit)
	}
	h.closed = true
	for l := range h.listeners {
		l.Close()
	}
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.kick(st)
	}
	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		h.mu.Lock()
		for c := range h.conns {
			c.nc.Close()
		}
		h.mu.Unlock()
		<-done
		return ctx.Err()
	}
}

// watchApproved re-checks live partners whenever approved_keys changes, until Shutdown.
func (h *Server) watchApproved() {
	t := time.NewTicker(orDefault(h.RecheckInterval, DefaultRecheckInterval))
	defer t.Stop()
	last := h.Approved.Version()
	again := false
	for {
		select {
		case <-h.quit:
			return
		case <-t.C:
		}
		if v := h.Approved.Version(); v != last || again {
			last = v
			again = h.recheck()
		}
	}
}

// NoHistory, as Server.History, sends partners none of the scrollback.
const NoHistory = -1

// HistoryLines returns the Server.History that sends partners the last n lines of
// scrollback, as a user says it: n < 0 all the session keeps, 0 none.
func HistoryLines(n int) int {
	switch {
	case n < 0:
		return 0
	case n == 0:
		return NoHistory
	}
	return n
}

// SetHistory sets History while the host serves: partners who join from now on get
// that much.
func (h *Server) SetHistory(n int) {
	h.historyNow.Store(int64(n))
	h.historySet.Store(true)
}

// historyLimit is History, or what SetHistory set last.
func (h *Server) historyLimit() int {
	if h.historySet.Load() {
		return int(h.historyNow.Load())
	}
	return h.History
}

// HistoryShown returns how many lines of a session's scrollback a partner who joins
// gets at most: what History allows of what a session keeps (sessions.ScrollbackLines).
func (h *Server) HistoryShown() int { return HistoryShown(h.historyLimit()) }

// HistoryShown returns how many lines of a session's scrollback a partner who joins
// gets at most with Server.History set to n.
func HistoryShown(n int) int {
	switch {
	case n < 0:
		return 0
	case n == 0:
		return sessions.ScrollbackLines
	default:
		return min(n, sessions.ScrollbackLines)
	}
}

// history is AttachOptions.History for a partner (owner: the host's own key).
func (h *Server) history(owner bool) int {
	switch n := h.historyLimit(); {
	case owner || n == 0:
		return sessions.AllHistory
	case n < 0:
		return 0
	default:
		return n
	}
}

func (h *Server) approveTimeout() time.Duration {
	return orDefault(h.ApproveTimeout, DefaultApproveTimeout)
}

func (h *Server) defaultRole() keys.Role {
	return h.DefaultRole.Or(keys.RoleType)
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
