package host

import (
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// The one-line notices a partner sees about its role, on its terminal's bottom row (see
// sessions.Client.Notice): OpenSSH and Duet partners alike. Each fits in 80 columns.
const (
	noticeViewOnly  = "duet: you are view only: you see the session, but cannot type into it"
	noticeTyped     = "duet: you are view only, so your typing is not sent; ask the host"
	noticeCanTypeNw = "duet: the host let you type: you can type now"
	noticeViewNow   = "duet: the host made you view only: you are view only now"
	// noticeNoTerminal goes to the standard error of an OpenSSH partner that asked for
	// no terminal (ssh -T, or a command without -t), once.
	noticeNoTerminal = "[duet: no terminal: join with ssh -t (attach NAME needs -t too) so keys are not echoed twice and the size follows]"
)

// typedNoticeEvery bounds how often a view-only partner who types is reminded: once at
// the first key, then at most once in this long, never a stream of bells.
const typedNoticeEvery = 30 * time.Second

// tellRole tells the partner on ch its role: typed (for a Duet partner) and as a notice
// on its terminal; changed says the host changed it live.
func tellRole(ch ssh.Channel, cl *sessions.Client, canType, changed bool) {
	st := wire.Status{State: wire.Role, Text: wire.RoleView}
	text := noticeViewOnly
	switch {
	case canType && changed:
		st.Text, text = wire.RoleType, noticeCanTypeNw
	case canType:
		st.Text, text = wire.RoleType, ""
	case changed:
		text = noticeViewNow
	}
	send(ch, st)
	if text != "" {
		cl.Notice(text)
	}
}

// reminder tells a view-only partner who types why nothing happens: at the first key,
// then at most once per typedNoticeEvery.
type reminder struct {
	mu   sync.Mutex // guards last
	last time.Time  // when the partner was last told
}

// typed is called with the client of a partner whose keys were dropped because it is
// view only.
func (r *reminder) typed(cl *sessions.Client) {
	r.mu.Lock()
	now := time.Now()
	tell := r.last.IsZero() || now.Sub(r.last) >= typedNoticeEvery
	if tell {
		r.last = now
	}
	r.mu.Unlock()
	if tell {
		cl.Notice(noticeTyped)
	}
}
