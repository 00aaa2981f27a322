package host

import (
	"fmt"
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

// askEvery bounds how often typing while another drives asks for control (and says so).
const askEvery = 10 * time.Second

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
	if r.due(typedNoticeEvery) {
		cl.Notice(noticeTyped)
	}
}

// due reports whether it is time to tell again: the first time, then once per every.
func (r *reminder) due(every time.Duration) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if !r.last.IsZero() && now.Sub(r.last) < every {
		return false
	}
	r.last = now
	return true
}

// typedWhileDriven is called with the client of a partner whose keys were dropped because
// another participant drives: the partner asks for control, and a terminal is told.
func (r *reminder) typedWhileDriven(c *conn, cl *sessions.Client) {
	if !r.due(askEvery) {
		return
	}
	s := cl.Session()
	s.AskToDrive(c.participant())
	driver := "someone else"
	for _, pt := range s.Participants() {
		if pt.Driving {
			driver = wire.CleanName(pt.Name)
		}
	}
	cl.Notice(fmt.Sprintf("duet: %s drives; you asked for control (the host or %s hands it over)", driver, driver))
}
