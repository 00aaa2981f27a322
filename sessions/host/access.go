package host

import (
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// access is what the host lets one key do, shared by every connection and channel of
// that key: its role, and what the host allowed it without saving it. It is the one
// place a partner's rights live on the host. Server.SetRole, Kick and Revoke change it,
// and so does an edit of approved_keys (the watcher re-checks live keys); every
// channel's input checks it before a keystroke reaches a session, and the role is
// applied to every client of the key at once.
//
// A record lives while the key has connections or something allowed once; so a role
// survives reconnects for as long as the session it was allowed for runs (a saved key's
// role is in approved_keys anyway).
type access struct {
	fp  string
	key ssh.PublicKey

	// role is the role in effect (keys.RoleType or keys.RoleView), or 0 while the key
	// has no access. Written under Server.mu, read without it by every keystroke.
	role atomic.Uint32

	// Guarded by Server.mu:
	owner     bool            // the host's own key
	ownerRole keys.Role       // the owner's role (RoleType unless changed)
	saved     bool            // in approved_keys at the last look
	fileRole  keys.Role       // its role there (RoleDefault: the host's default)
	missing   bool            // saved, but missing from the file at the last look
	once      map[string]bool // allowed without saving: session IDs, "" for the listing
	onceRole  keys.Role
	given     string // the name the host gave the partner when it let the key in (cleaned)
	conns     map[*conn]struct{}
}

// effectiveRole is the role the record gives now, 0 for none. Server.mu is held.
func (h *Server) effectiveRole(a *access) keys.Role {
	switch {
	case a.owner:
		return a.ownerRole
	case a.saved:
		return a.fileRole.Or(h.defaultRole())
	case len(a.once) > 0:
		return a.onceRole.Or(h.defaultRole())
	}
	return 0
}

// covers reports whether the record lets its key do want (a session's ID, "" for the
// listing) without asking. Server.mu is held.
func (a *access) covers(want string) bool {
	return a.owner || a.saved || a.once[want]
}

// onceKey is what allowing s once is recorded under: its ID, which a later session of
// the same name does not have; "" for the listing (a nil s).
func onceKey(s *sessions.Session) string {
	if s == nil {
		return ""
	}
	return s.ID()
}

// pruneOnce forgets what a's key was allowed once for sessions that ended: "Allow once"
// holds for one sharing of a session, and a new session of the same name asks again.
// Server.mu is held.
func (h *Server) pruneOnce(a *access) {
	if len(a.once) == 0 || h.Sessions == nil {
		return
	}
	live := make(map[string]bool)
	for _, s := range h.Sessions.List() {
		live[s.ID()] = true
	}
	for id := range a.once {
		if id != "" && !live[id] {
			delete(a.once, id)
		}
	}
}

// Role returns the role in effect, 0 for none.
func (a *access) Role() keys.Role { return keys.Role(a.role.Load()) }

// lookupFile reads key's entry in approved_keys (outside Server.mu: it may read the
// file). A line whose from= or expiry-time= does not allow remote now approves nothing;
// a nil remote skips from= (a live key's record, whatever its connections).
func (h *Server) lookupFile(key ssh.PublicKey, remote net.Addr) (keys.Role, bool) {
	if h.Approved == nil {
		return keys.RoleDefault, false
	}
	e, ok := h.Approved.Find(key)
	if !ok {
		return keys.RoleDefault, false
	}
	if err := e.Permits(remote, time.Now()); err != nil {
		h.Logger.Info("approved key not let in without asking", "fp", keys.Fingerprint(key), "why", err)
		return keys.RoleDefault, false
	}
	return e.Role, true
}

// enroll gives c the access record of its key, reading approved_keys, and counts c in
// it. It reports whether the key has any access already (known: no question needed to
// leave the waiting room).
func (h *Server) enroll(c *conn) bool {
	fileRole, saved := h.lookupFile(c.key, c.sc.RemoteAddr())
	h.mu.Lock()
	a := h.keys[c.fp]
	if a == nil {
		a = &access{fp: c.fp, key: c.key, conns: make(map[*conn]struct{})}
		if h.Owner != nil && keys.Fingerprint(h.Owner) == c.fp {
			a.owner, a.ownerRole = true, keys.RoleType
		}
		h.keys[c.fp] = a
	}
	a.saved, a.fileRole = saved, fileRole
	a.conns[c] = struct{}{}
	c.acc = a
	role := h.effectiveRole(a)
	a.role.Store(uint32(role))
	h.mu.Unlock()
	return role != 0
}

// unenroll takes c out of its key's record, and drops the record once nothing keeps it.
func (h *Server) unenroll(c *conn) {
	if c.acc == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	a := c.acc
	delete(a.conns, c)
	h.pruneOnce(a)
	if len(a.conns) == 0 && len(a.once) == 0 && !a.owner && h.keys[a.fp] == a {
		delete(h.keys, a.fp)
	}
}

// allowed returns the key's role if it may do want without asking.
func (h *Server) allowed(a *access, want string) (keys.Role, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pruneOnce(a)
	if !a.covers(want) {
		return 0, false
	}
	return h.effectiveRole(a), true
}

// grant records the host's answer: want (see onceKey) allowed once, for as long as that
// session runs or until the host kicks or revokes the key, or the key saved with role. It returns the role in effect.
func (h *Server) grant(c *conn, want string, d Decision) keys.Role {
	a := c.acc
	role := d.Role.Or(h.defaultRole())
	claimed, _ := c.names()
	given := wire.CleanName(d.Name)
	h.mu.Lock()
	if given != "" {
		a.given = given
	}
	h.mu.Unlock()
	if d.Answer == AllowAlways && h.Approved != nil {
		// The name the host gave, else the one the partner sent, as the comment.
		comment := firstOf(given, claimed)
		if comment == "" {
			comment = fmt.Sprintf("partner from %s", sourceOf(c.sc.RemoteAddr()))
		}
		if err := h.Approved.Add(c.key, role, comment); err != nil {
			c.log.Error("save approved key", "err", err)
		} else {
			h.mu.Lock()
			a.saved, a.fileRole = true, role
			h.mu.Unlock()
		}
	}
	h.mu.Lock()
	if !a.saved && !a.owner {
		if a.once == nil {
			a.once = make(map[string]bool)
		}
		a.once[want] = true
		a.onceRole = role
	}
	role = h.effectiveRole(a)
	a.role.Store(uint32(role))
	h.mu.Unlock()
	h.applyRole(a)
	return role
}

// applyRole makes every live client of a's key follow its role: a view-only client's
// input is dropped and it does not limit the session's size.
func (h *Server) applyRole(a *access) {
	ro := a.Role() != keys.RoleType
	for _, at := range h.clientsOf(a) {
		if at.cl.ReadOnly() != ro {
			at.cl.SetReadOnly(ro)
			tellRole(at.ch, at.cl, !ro, true) // no lock held while writing to the connection
		}
	}
}

// attached is a client and the channel it is attached through.
type attached struct {
	cl *sessions.Client
	ch ssh.Channel
}

// clientsOf returns the live clients of every connection of a's key.
func (h *Server) clientsOf(a *access) []attached {
	h.mu.Lock()
	conns := make([]*conn, 0, len(a.conns))
	for c := range a.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	var out []attached
	for _, c := range conns {
		c.mu.Lock()
		for cl, ch := range c.clients {
			out = append(out, attached{cl, ch})
		}
		c.mu.Unlock()
	}
	return out
}

// connsOf returns the live connections of the key with fingerprint fp.
func (h *Server) connsOf(fp string) []*conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.keys[fp]
	if a == nil {
		return nil
	}
	out := make([]*conn, 0, len(a.conns))
	for c := range a.conns {
		out = append(out, c)
	}
	return out
}

// SetRole changes the role of the key with fingerprint fp, at once on every channel
// and connection of the key: a key demoted to keys.RoleView stops typing everywhere.
// The role is the key's: a saved key's role is written to approved_keys, one allowed
// once keeps it while the session runs, so a reconnect comes back with it.
func (h *Server) SetRole(fp string, role keys.Role) error {
	if role != keys.RoleType && role != keys.RoleView {
		return fmt.Errorf("set role: invalid role %v", role)
	}
	if h.init() != nil {
		return nil
	}
	h.mu.Lock()
	a := h.keys[fp]
	h.mu.Unlock()
	var key ssh.PublicKey
	if a != nil {
		key = a.key
	} else if e, ok := h.savedEntry(fp); ok {
		key = e.Key
	}
	if key != nil {
		if _, saved := h.lookupFile(key, nil); saved {
			if err := h.Approved.Add(key, role, ""); err != nil {
				return fmt.Errorf("set role: %w", err)
			}
		}
	}
	if a == nil {
		return nil
	}
	fileRole, saved := h.lookupFile(a.key, nil)
	h.mu.Lock()
	a.saved, a.fileRole = saved, fileRole
	if a.owner {
		a.ownerRole = role
	}
	if !a.saved {
		a.onceRole = role
	}
	a.role.Store(uint32(h.effectiveRole(a)))
	h.mu.Unlock()
	h.applyRole(a)
	return nil
}

// savedEntry returns the approved_keys entry of fp.
func (h *Server) savedEntry(fp string) (keys.Entry, bool) {
	if h.Approved == nil {
		return keys.Entry{}, false
	}
	entries, err := h.Approved.List()
	if err != nil {
		return keys.Entry{}, false
	}
	for _, e := range entries {
		if e.Fingerprint() == fp {
			return e, true
		}
	}
	return keys.Entry{}, false
}

// Kick disconnects every connection of the key with fingerprint fp, showing msg, and
// returns how many there were. Its input stops at once. What the key was allowed once
// is forgotten: it has to ask again (a saved key may come back).
func (h *Server) Kick(fp, msg string) int {
	if h.init() != nil {
		return 0
	}
	h.forget(fp, false)
	conns := h.connsOf(fp)
	for _, c := range conns {
		c.log.Info("partner kicked")
		c.kick(wire.Status{State: wire.Kicked, Fingerprint: fp, Text: msg})
	}
	return len(conns)
}

// Revoke removes the key with fingerprint fp from the approved keys, if it is there,
// and disconnects its live connections (also those allowed once) with a message; its
// input stops at once.
func (h *Server) Revoke(fp string) error {
	var err error
	if h.Approved != nil {
		if _, rerr := h.Approved.Remove(fp); rerr != nil {
			err = fmt.Errorf("revoke: %w", rerr)
		}
	}
	h.revoked(fp)
	return err
}

// revoked takes every right of the key with fingerprint fp away and disconnects it.
func (h *Server) revoked(fp string) {
	if h.init() != nil {
		return
	}
	h.forget(fp, true)
	for _, c := range h.connsOf(fp) {
		c.log.Info("partner revoked")
		c.kick(wire.Status{State: wire.Kicked, Fingerprint: fp, Text: "[duet: the host revoked access for key " + fp + "]"})
	}
}

// forget drops what fp was allowed once; with all, also what approved_keys said, so
// that its input stops before its connections are cut.
func (h *Server) forget(fp string, all bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.keys[fp]
	if a == nil {
		return
	}
	a.once = nil
	if all {
		a.saved, a.owner = false, false
	}
	a.role.Store(uint32(h.effectiveRole(a)))
	if len(a.conns) == 0 && !a.owner {
		delete(h.keys, fp)
	}
}

// recheck applies approved_keys as it is now to every key with live connections: a key
// removed from it is revoked, a key whose role changed gets it on every channel at once.
// Like tailscale's checkStillValid, it runs whenever the file changed. A removal counts
// once it is seen twice in a row; again reports that recheck wants to look once more.
func (h *Server) recheck() (again bool) {
	h.mu.Lock()
	recs := make([]*access, 0, len(h.keys))
	for _, a := range h.keys {
		recs = append(recs, a)
	}
	h.mu.Unlock()
	for _, a := range recs {
		fileRole, saved := h.lookupFile(a.key, nil)
		h.mu.Lock()
		old := a.Role()
		removed := a.saved && !saved && !a.owner
		if removed && !a.missing {
			// Seen once: an editor may be half way through writing the file. The
			// watcher looks again at its next tick.
			a.missing, again = true, true
			h.mu.Unlock()
			continue
		}
		a.missing = false
		if !removed {
			a.saved, a.fileRole = saved, fileRole
			a.role.Store(uint32(h.effectiveRole(a)))
		}
		role := a.Role()
		h.mu.Unlock()
		switch {
		case removed:
			h.Logger.Info("key removed from approved keys", "fp", a.fp)
			h.revoked(a.fp)
		case role != old:
			h.Logger.Info("key's role changed in approved keys", "fp", a.fp, "role", role.String())
			h.applyRole(a)
		}
	}
	return again
}
