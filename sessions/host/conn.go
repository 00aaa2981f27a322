package host

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// Permissions.Extensions keys set by the authentication callbacks.
const (
	extKey    = "duet-pubkey" // the wire form of the proven key the partner joins with
	extFP     = "pubkey-fp"
	extSecond = "duet-second" // set on keys offered after a partial success
)

// serverConfig returns the SSH configuration. Partners log in with a public key; which
// one is decided so that an approved key wins wherever it is among those a client
// offers, and an unknown key still reaches the host's question (see ARCHITECTURE.md,
// "Logging in"):
//
//  1. Any acceptable key may be offered (PublicKeyCallback answers queries, before any
//     signature). Once the client proved it holds a key (VerifiedPublicKeyCallback), a
//     key the host knows logs in; an unknown one is a partial success.
//  2. After a partial success the client may go on offering keys: only keys the host
//     knows are accepted then. A client with none left tries keyboard-interactive,
//     which asks nothing and logs in with the unknown key proven in step 1.
//
// No callback grants anything: they only pick the proven key the connection is
// authenticated with (recorded in its Permissions, never taken from the last key a
// callback saw: CVE-2024-45337). What the key may do is decided after the handshake
// (enroll, approve). The algorithms are OpenSSH 9's defaults without SHA-1 (see
// wire.SSHConfig).
func (h *Server) serverConfig(signer ssh.Signer) *ssh.ServerConfig {
	cfg := &ssh.ServerConfig{
		Config:                  wire.SSHConfig(),
		PublicKeyAuthAlgorithms: wire.PublicKeyAlgorithms(),
		ServerVersion:           wire.ServerVersion,
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			return keyPermissions(key)
		},
		VerifiedPublicKeyCallback: func(meta ssh.ConnMetadata, key ssh.PublicKey, perms *ssh.Permissions, _ string) (*ssh.Permissions, error) {
			if perms.Extensions[extSecond] != "" || h.knows(key, meta.RemoteAddr()) {
				return perms, nil
			}
			return nil, h.secondStep(perms)
		},
	}
	cfg.AddHostKey(signer)
	return cfg
}

// keyPermissions returns the Permissions that record key, or why it is not accepted.
func keyPermissions(key ssh.PublicKey) (*ssh.Permissions, error) {
	if _, ok := key.(*ssh.Certificate); ok {
		return nil, errors.New("certificates are not supported")
	}
	if !wire.KeyTypeAllowed(key.Type()) {
		return nil, fmt.Errorf("%s keys are not accepted", key.Type())
	}
	return &ssh.Permissions{Extensions: map[string]string{
		extKey: string(key.Marshal()),
		extFP:  keys.Fingerprint(key),
	}}, nil
}

// secondStep is the partial success after an unknown key was proven (proven: its
// Permissions): the client may offer keys the host knows, or log in with the proven
// one through a keyboard-interactive step that asks nothing.
func (h *Server) secondStep(proven *ssh.Permissions) error {
	return &ssh.PartialSuccessError{Next: ssh.ServerAuthCallbacks{
		PublicKeyCallback: func(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if !h.knows(key, meta.RemoteAddr()) {
				return nil, errors.New("not approved")
			}
			perms, err := keyPermissions(key)
			if err == nil {
				perms.Extensions[extSecond] = "1"
			}
			return perms, err
		},
		KeyboardInteractiveCallback: func(ssh.ConnMetadata, ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			return &ssh.Permissions{Extensions: maps.Clone(proven.Extensions)}, nil
		},
	}}
}

// knows reports whether key would get in without asking the host now: the host's own,
// saved in approved_keys (its options allowing remote), or allowed once while the host
// runs. It only steers which proven key a connection logs in with; enroll decides.
func (h *Server) knows(key ssh.PublicKey, remote net.Addr) bool {
	fp := keys.Fingerprint(key)
	if h.Owner != nil && keys.Fingerprint(h.Owner) == fp {
		return true
	}
	if _, saved := h.lookupFile(key, remote); saved {
		return true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.keys[fp]
	return a != nil && h.effectiveRole(a) != 0
}

// conn is one partner's SSH connection.
type conn struct {
	h      *Server
	nc     net.Conn
	sc     *ssh.ServerConn
	key    ssh.PublicKey
	fp     string
	remote string
	src    string // what connections are counted by (sourceOf)
	log    *slog.Logger
	acc    *access // what the host lets the key do; set before serve
	seat   *seat   // in the waiting room until the key has access
	owner  bool    // the host's own key: it types while sharing is paused

	gone chan struct{} // closed when the connection is gone

	kickOnce sync.Once
	kicked   chan struct{} // closed by kick
	kickSt   wire.Status   // set before kicked is closed: what the partner is told

	askMu sync.Mutex // held while the connection asks the host: one question at a time

	dropped atomic.Int64 // input bytes dropped: the key may not type, or was kicked

	mu      sync.Mutex                       // guards the fields below
	clients map[*sessions.Client]ssh.Channel // and the channel each is attached through
	chans   int                              // session channels open
	claimed string                           // the display name a Duet partner sent (cleaned), "" if none
	name    string                           // what the host calls the partner, once approved (see decide)
}

// claim records the display name the partner sent; the first one counts.
func (c *conn) claim(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.claimed == "" {
		c.claimed = name
	}
}

// names returns the name the partner claims and the one the host calls it.
func (c *conn) names() (claimed, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.claimed, c.name
}

// setName records what the host calls the partner.
func (c *conn) setName(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.name = name
}

// serveConn runs one connection from the handshake to its end.
func (h *Server) serveConn(nc net.Conn) {
	remote := nc.RemoteAddr().String()
	src := sourceOf(nc.RemoteAddr())
	seat := h.room.enter(src, orDefault(h.MaxUnapproved, DefaultMaxUnapproved),
		orDefault(h.MaxUnauthenticated, DefaultMaxUnauthenticated), func() { nc.Close() })
	if seat == nil {
		h.Logger.Warn("too many connections waiting for approval", "remote", remote)
		nc.Close()
		return
	}
	defer seat.leave()
	grace := time.AfterFunc(orDefault(h.LoginGraceTime, DefaultLoginGraceTime), seat.expire)
	defer grace.Stop()
	nc.SetDeadline(time.Now().Add(orDefault(h.HandshakeTimeout, DefaultHandshakeTimeout)))
	sc, chans, reqs, err := ssh.NewServerConn(nc, h.config)
	if err != nil {
		h.Logger.Debug("handshake failed", "remote", remote, "err", err)
		nc.Close()
		return
	}
	nc.SetDeadline(time.Time{})
	key, err := ssh.ParsePublicKey([]byte(sc.Permissions.Extensions[extKey]))
	if err != nil { // cannot happen: only the public key callback lets anyone in
		h.Logger.Error("authenticated without a key", "remote", remote)
		sc.Close()
		return
	}
	c := &conn{
		h: h, nc: nc, sc: sc, key: key, fp: keys.Fingerprint(key), remote: remote, src: src, seat: seat,
		gone: make(chan struct{}), kicked: make(chan struct{}), clients: make(map[*sessions.Client]ssh.Channel),
	}
	c.owner = h.Owner != nil && keys.Fingerprint(h.Owner) == c.fp
	c.log = h.Logger.With("fp", c.fp, "remote", remote, "user", sc.User())
	if !h.track(c) {
		sc.Close()
		return
	}
	defer h.untrack(c)
	if h.enroll(c) {
		c.admitted()
	}
	defer h.unenroll(c)
	if algs, ok := sc.Conn.(ssh.AlgorithmsConnMetadata); ok {
		c.log.Debug("algorithms", "kex", algs.Algorithms().KeyExchange)
	}
	c.log.Info("partner connected")
	c.serve(chans, reqs)
	c.log.Info("partner disconnected", "input_dropped", c.dropped.Load())
}

// admitted takes the connection out of the waiting room: its key has access now.
func (c *conn) admitted() {
	c.seat.leave()
}

// hasAccess reports whether the connection's key has any access (it was approved for
// something, or is saved or the host's own).
func (c *conn) hasAccess() bool {
	return c.acc.Role() != 0
}

// mayType reports whether what the partner types may reach a session now: the key's
// role lets it, and the connection was not kicked.
func (c *conn) mayType() bool {
	if _, kicked := c.isKicked(); kicked {
		return false
	}
	return c.acc.Role() == keys.RoleType
}

// serve handles the connection's channels and requests until it closes.
func (c *conn) serve(chans <-chan ssh.NewChannel, reqs <-chan *ssh.Request) {
	var wg sync.WaitGroup
	wg.Go(func() {
		// Global requests: tcpip-forward, streamlocal-forward and the like are all refused.
		for req := range reqs {
			c.log.Debug("global request refused", "type", req.Type)
			if req.WantReply {
				req.Reply(false, nil)
			}
		}
	})
	wg.Go(func() {
		// A kicked connection gets a moment to write its message, then is cut.
		select {
		case <-c.kicked:
			t := time.NewTimer(wire.KickGrace)
			select {
			case <-t.C:
			case <-c.gone:
			}
			t.Stop()
			c.sc.Close()
		case <-c.gone:
		}
	})
	for nch := range chans {
		if _, kicked := c.isKicked(); kicked {
			nch.Reject(ssh.Prohibited, "duet: you were disconnected")
			continue
		}
		if nch.ChannelType() != "session" {
			c.log.Info("channel refused", "type", nch.ChannelType())
			nch.Reject(ssh.Prohibited, "duet: only terminal sessions are allowed")
			continue
		}
		limit := maxChannelsPerConn
		if !c.hasAccess() {
			limit = maxChannelsUnapproved // and what it sends is not kept (pumpInput)
		}
		c.mu.Lock()
		full := c.chans >= limit
		if !full {
			c.chans++
		}
		c.mu.Unlock()
		if full {
			nch.Reject(ssh.ResourceShortage, "duet: too many sessions on one connection")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			c.log.Debug("accept channel", "err", err)
			continue
		}
		wg.Go(func() {
			c.serveChannel(ch, creqs)
			c.mu.Lock()
			c.chans--
			c.mu.Unlock()
		})
	}
	close(c.gone)
	c.sc.Close()
	wg.Wait()
}

// kick disconnects the connection, telling the partner st (Kicked or Stopped, its Text
// shown in the partner's terminal; a zero st tells nothing).
func (c *conn) kick(st wire.Status) {
	c.kickOnce.Do(func() {
		c.kickSt = st
		msg := st.Text
		close(c.kicked)
		c.mu.Lock()
		clients := make([]*sessions.Client, 0, len(c.clients))
		for cl := range c.clients {
			clients = append(clients, cl)
		}
		c.mu.Unlock()
		for _, cl := range clients {
			cl.Kick(msg)
		}
	})
}

// isKicked reports whether the connection was kicked, and what the partner is told.
func (c *conn) isKicked() (wire.Status, bool) {
	select {
	case <-c.kicked:
		return c.kickSt, true
	default:
		return wire.Status{}, false
	}
}

// addClient records a client attached through ch; false if the connection was kicked
// meanwhile.
func (c *conn) addClient(cl *sessions.Client, ch ssh.Channel) bool {
	c.mu.Lock()
	c.clients[cl] = ch
	c.mu.Unlock()
	if st, ok := c.isKicked(); ok {
		cl.Kick(st.Text)
		return false
	}
	return true
}

func (c *conn) removeClient(cl *sessions.Client) {
	c.mu.Lock()
	delete(c.clients, cl)
	c.mu.Unlock()
}

func (h *Server) track(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.conns[c] = struct{}{}
	return true
}

func (h *Server) untrack(c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns, c)
}
