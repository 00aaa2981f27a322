package host

import (
	"context"
	"errors"
	"fmt"
	"net"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// Answer is the host's answer about a key that is not approved.
type Answer uint8

const (
	// Deny refuses the key.
	Deny Answer = iota
	// AllowOnce lets the key do what it asked (join that session, or list the
	// sessions) without saving it: it reconnects and opens more channels of that session
	// without a question until the session ends or the host kicks or revokes the key
	// (the listing: while the host runs). A new session of the same name asks again.
	AllowOnce
	// AllowAlways lets the key in and saves it to the approved keys, with the role.
	AllowAlways
)

func (a Answer) String() string {
	switch a {
	case Deny:
		return "deny"
	case AllowOnce:
		return "allow once"
	case AllowAlways:
		return "always allow"
	}
	return fmt.Sprintf("Answer(%d)", uint8(a))
}

// Decision is an answer with the role the partner joins with (RoleDefault: the host's
// default role) and the name the host gives the partner ("": the name it sent, if any).
// AllowAlways saves the name as the approved key's comment.
type Decision struct {
	Answer Answer
	Role   keys.Role
	Name   string
}

// ApprovalRequest describes a partner whose key is not approved for what it asks. The
// strings come from the partner: show them escaped (internal/safetext).
type ApprovalRequest struct {
	Key           ssh.PublicKey
	Fingerprint   string // "SHA256:..."
	User          string // the SSH user name the partner gave
	ClientVersion string // the partner's SSH software, as it says ("SSH-2.0-OpenSSH_9.6")
	Name          string // the display name a Duet partner sent (cleaned, not checked); "" from OpenSSH
	// Session is the session the partner asks to join, as it is resolved (a user name
	// that names no session asks for the default one); "" asks for the list of sessions.
	Session string
	// Asked is the session name the partner gave (its SSH user name, or attach NAME);
	// when no session has that name, Session is the default one it would join instead.
	Asked  string
	Remote net.Addr
}

// ApproveFunc asks the host about a key that is not approved. It runs on a goroutine of
// its own; it must return once ctx is done (the host did not answer in time, the partner
// left or the host is shutting down), and what it returns then is ignored.
type ApproveFunc func(ctx context.Context, req ApprovalRequest) Decision

// refusal is why a partner was not let in: what it is told, as a typed status and as
// its sentence.
type refusal struct{ st wire.Status }

func (r *refusal) Error() string { return r.st.Message() }

// refuse returns the refusal of the connection's key in state.
func (c *conn) refuse(state wire.State) error {
	return &refusal{wire.Status{State: state, Fingerprint: c.fp}}
}

// authorize decides whether the key may do want (a session name; "" to list the
// sessions; s is that session, nil for the listing) and returns its role. What the key may do already (saved, the host's own,
// or allowed once for exactly this) needs no question; anything else is asked, one
// question at a time per connection, and the first to ask shows the partner what is
// going on on ch.
//
// asked is the session name the partner gave (see ApprovalRequest.Asked).
func (c *conn) authorize(ch ssh.Channel, s *sessions.Session, want, asked string) (keys.Role, error) {
	c.askMu.Lock()
	defer c.askMu.Unlock()
	if role, ok := c.h.allowed(c.acc, onceKey(s)); ok {
		c.admitted()
		c.setName(c.h.nameOf(c))
		return role, nil
	}
	d, err := c.ask(ch, want, asked)
	if err != nil {
		c.log.Info("partner refused", "err", err, "session", want)
		return 0, err
	}
	role := c.h.grant(c, onceKey(s), d)
	c.admitted()
	c.setName(c.h.nameOf(c))
	c.log.Info("partner approved", "answer", d.Answer.String(), "role", role.String(), "session", want)
	return role, nil
}

// ask asks the host about the key, if it may: questions at once are bounded in all and
// per source address, so that a few addresses cannot keep every new partner out.
func (c *conn) ask(ch ssh.Channel, want, asked string) (Decision, error) {
	h := c.h
	claimed, _ := c.names()
	if h.Approve == nil {
		return Decision{}, c.refuse(wire.Denied)
	}
	if !h.startAsking(c.src) {
		return Decision{}, c.refuse(wire.Busy)
	}
	defer h.stopAsking(c.src)
	if !c.seat.setAsking(true) && !c.hasAccess() {
		return Decision{}, errors.New("partner left") // evicted meanwhile
	}
	defer c.seat.setAsking(false)

	tell(ch, wire.Status{State: wire.Waiting, Fingerprint: c.fp})
	ctx, cancel := context.WithTimeout(context.Background(), h.approveTimeout())
	defer cancel()
	req := ApprovalRequest{
		Key: c.key, Fingerprint: c.fp, User: c.sc.User(), ClientVersion: string(c.sc.ClientVersion()),
		Name: claimed, Session: want, Asked: asked, Remote: c.sc.RemoteAddr(),
	}
	answer := make(chan Decision, 1)
	h.wg.Go(func() { answer <- h.Approve(ctx, req) })
	var d Decision
	select {
	case d = <-answer:
	case <-ctx.Done():
		return Decision{}, c.refuse(wire.TimedOut)
	case <-c.kicked:
		return Decision{}, &refusal{c.kickSt}
	case <-c.gone:
		return Decision{}, errors.New("partner left")
	}
	if d.Answer != AllowOnce && d.Answer != AllowAlways {
		return Decision{}, c.refuse(wire.Denied)
	}
	return d, nil
}

// startAsking counts a question from src; false if there are too many.
func (h *Server) startAsking(src string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pending >= orDefault(h.MaxPendingApprovals, DefaultMaxPendingApprovals) ||
		h.pendingBySrc[src] >= orDefault(h.MaxPendingPerSource, DefaultMaxPendingPerSource) {
		return false
	}
	h.pending++
	h.pendingBySrc[src]++
	return true
}

func (h *Server) stopAsking(src string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pending--
	if h.pendingBySrc[src]--; h.pendingBySrc[src] <= 0 {
		delete(h.pendingBySrc, src)
	}
}

// nameOf is what the host calls c's partner: "you" (or the name it sent) for the host's
// own key; else the approved key's comment; else the name the host gave when it let the
// key in; else the name the partner sent. All cleaned (wire.CleanName).
func (h *Server) nameOf(c *conn) string {
	claimed, _ := c.names()
	h.mu.Lock()
	owner, given := c.acc.owner, c.acc.given
	h.mu.Unlock()
	if owner {
		return firstOf(claimed, "you")
	}
	if h.Approved != nil {
		if _, comment, ok := h.Approved.Lookup(c.key); ok {
			if name := wire.CleanName(comment); name != "" {
				return name
			}
		}
	}
	return firstOf(given, claimed)
}

// firstOf returns the first of names that is not empty.
func firstOf(names ...string) string {
	for _, n := range names {
		if n != "" {
			return n
		}
	}
	return ""
}
