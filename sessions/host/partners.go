package host

import (
	"fmt"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// Partner describes a partner's client attached through the host.
type Partner struct {
	Fingerprint string
	Name        string // what the host calls the partner: the approved key's comment, the name given at approval or the one a Duet partner sent (all cleaned); "" if none
	User        string // SSH user name
	Remote      string
	Session     string
	ReadOnly    bool
	Cols, Rows  int // the partner's terminal size (0x0: none)
}

// Partners returns the clients attached through the host now.
func (h *Server) Partners() []Partner {
	var out []Partner
	for _, c := range h.connections() {
		c.mu.Lock()
		for cl := range c.clients {
			p := Partner{
				Fingerprint: c.fp, Name: c.name, User: c.sc.User(), Remote: c.remote,
				Session: cl.Session().Name(), ReadOnly: cl.ReadOnly(),
			}
			p.Cols, p.Rows = cl.Size()
			out = append(out, p)
		}
		c.mu.Unlock()
	}
	return out
}

// Kick disconnects every connection of the key with fingerprint fp, showing msg, and
// returns how many there were.
func (h *Server) Kick(fp, msg string) int {
	n := 0
	for _, c := range h.connections() {
		if c.fp == fp {
			c.log.Info("partner kicked")
			c.kick(wire.Status{State: wire.Kicked, Fingerprint: fp, Text: msg})
			n++
		}
	}
	return n
}

// Revoke removes the key with fingerprint fp from the approved keys, if it is there, and
// disconnects its live connections (also those allowed once) with a message.
func (h *Server) Revoke(fp string) error {
	var err error
	if h.Approved != nil {
		if _, rerr := h.Approved.Remove(fp); rerr != nil {
			err = fmt.Errorf("revoke: %w", rerr)
		}
	}
	h.Kick(fp, "[duet: the host revoked access for key "+fp+"]")
	return err
}

// SetRole changes the role of the live clients of the key with fingerprint fp (not the
// stored role: see keys.Approved.Add).
func (h *Server) SetRole(fp string, role keys.Role) {
	ro := role.Or(h.defaultRole()) == keys.RoleView
	for _, c := range h.connections() {
		if c.fp != fp {
			continue
		}
		type attached struct {
			cl *sessions.Client
			ch ssh.Channel
		}
		var changed []attached
		c.mu.Lock()
		for cl, ch := range c.clients {
			if cl.ReadOnly() != ro {
				cl.SetReadOnly(ro)
				changed = append(changed, attached{cl, ch})
			}
		}
		c.mu.Unlock()
		for _, a := range changed { // no lock held while writing to the connection
			tellRole(a.ch, a.cl, !ro, true)
		}
	}
}

func (h *Server) connections() []*conn {
	if h.init() != nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		out = append(out, c)
	}
	return out
}
