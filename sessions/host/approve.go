package host

import (
	"context"
	"errors"
	"fmt"
	"net"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/wire"
)

// Answer is the host's answer about a key that is not approved.
type Answer uint8

const (
	// Deny refuses the key.
	Deny Answer = iota
	// AllowOnce lets the key in for this connection.
	AllowOnce
	// AllowAlways lets the key in and saves it to the approved keys.
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

// ApprovalRequest describes a partner whose key is not approved.
type ApprovalRequest struct {
	Key         ssh.PublicKey
	Fingerprint string // "SHA256:..."
	User        string // the SSH user name the partner gave
	Name        string // the display name a Duet partner sent (cleaned, not checked); "" from OpenSSH
	Session     string // the session the partner asks for; "" for a listing
	Exists      bool   // a session of that name runs (else the partner gets the default one)
	Remote      net.Addr
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

// authorize decides, once per connection, whether the key may in and with which role. The
// first session channel asking shows the partner what is going on.
func (c *conn) authorize(ch ssh.Channel, session string) (keys.Role, error) {
	c.authOnce.Do(func() {
		c.role, c.authErr = c.decide(ch, session)
		if c.authErr != nil {
			c.log.Info("partner refused", "err", c.authErr)
		} else {
			c.log.Info("partner approved", "role", c.role.String())
		}
	})
	return c.role, c.authErr
}

func (c *conn) decide(ch ssh.Channel, session string) (keys.Role, error) {
	h := c.h
	claimed, _ := c.names()
	if h.Owner != nil && keys.Fingerprint(h.Owner) == c.fp {
		c.owner = true
		c.setName(firstOf(claimed, "you"))
		return keys.RoleType, nil
	}
	if h.Approved != nil {
		if role, comment, ok := h.Approved.Lookup(c.key); ok {
			// The host's name for the key wins over the one the partner sends.
			c.setName(firstOf(wire.CleanName(comment), claimed))
			return role.Or(h.defaultRole()), nil
		}
	}
	if h.Approve == nil {
		return 0, c.refuse(wire.Denied)
	}
	h.mu.Lock()
	busy := h.pending >= orDefault(h.MaxPendingApprovals, DefaultMaxPendingApprovals)
	if !busy {
		h.pending++
	}
	h.mu.Unlock()
	if busy {
		return 0, c.refuse(wire.Busy)
	}
	defer func() {
		h.mu.Lock()
		h.pending--
		h.mu.Unlock()
	}()

	tell(ch, wire.Status{State: wire.Waiting, Fingerprint: c.fp})
	ctx, cancel := context.WithTimeout(context.Background(), h.approveTimeout())
	defer cancel()
	req := ApprovalRequest{
		Key: c.key, Fingerprint: c.fp, User: c.sc.User(), Name: claimed, Session: session,
		Exists: session != "" && h.Sessions != nil && h.Sessions.Lookup(session) != nil,
		Remote: c.sc.RemoteAddr(),
	}
	answer := make(chan Decision, 1)
	h.wg.Go(func() { answer <- h.Approve(ctx, req) })
	var d Decision
	select {
	case d = <-answer:
	case <-ctx.Done():
		return 0, c.refuse(wire.TimedOut)
	case <-c.kicked:
		return 0, &refusal{c.kickSt}
	case <-c.gone:
		return 0, errors.New("partner left")
	}
	role := d.Role.Or(h.defaultRole())
	name := firstOf(wire.CleanName(d.Name), claimed)
	switch d.Answer {
	case AllowOnce:
		c.setName(name)
		return role, nil
	case AllowAlways:
		c.setName(name)
		if h.Approved == nil {
			c.log.Warn("no approved keys file: allowing once")
			return role, nil
		}
		comment := name
		if comment == "" {
			comment = fmt.Sprintf("partner from %s", sourceOf(c.sc.RemoteAddr()))
		}
		if err := h.Approved.Add(c.key, d.Role, comment); err != nil {
			c.log.Error("save approved key", "err", err)
		}
		return role, nil
	}
	return 0, c.refuse(wire.Denied)
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
