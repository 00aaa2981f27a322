//go:build !windows

package app

import (
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
)

// opened returns the links the window opened (loopApp.OpenURL).
func (a *loopApp) opened() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.urls...)
}

// chipTexts returns the strip's participants as shown.
func (v *pairView) chipTexts() []string {
	var out []string
	for _, c := range v.chips {
		out = append(out, c.label.Text)
	}
	return out
}

// chip returns the strip's chip of participant id.
func (v *pairView) chip(id string) *personChip {
	for _, c := range v.chips {
		if c.id == id {
			return c
		}
	}
	return nil
}

// hostOf runs a Duet host of the test's own sharing sh as "main", called Bob, with the
// window's key approved to type, and returns the session and the address.
func hostOf(t *testing.T, h *harness) (*sessions.Session, string) {
	t.Helper()
	reg := &sessions.Registry{}
	s, err := reg.Start(sessions.Options{Command: []string{"/bin/sh"}, Env: []string{"PS1=$ ", "ENV=", "HISTFILE="}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	s.SetHostName("Bob")
	id, err := h.store.LoadOrCreateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	approved := keys.NewApproved(filepath.Join(t.TempDir(), "approved_keys"))
	if err := approved.Add(id.Signer.PublicKey(), keys.RoleType, "Win"); err != nil {
		t.Fatal(err)
	}
	return s, duettest.Serve(t, &host.Server{Sessions: reg, Approved: approved}, host.ErrServerClosed)
}

// TestPairingJoinedWindow: a window that joined a Duet host shows who is here (the host
// too), a hostile chat line escaped, and sends chat lines and points; with one driver
// at a time it asks for control in one click and is told when it drives; the call link
// is shown in full and opened only when Open call is clicked; a point from the host is
// marked on the terminal.
func TestPairingJoinedWindow(t *testing.T) {
	h := newHarness(t, options{noHostOnStart: true})
	s, addr := hostOf(t, h)
	h.paste("main@" + addr)
	h.waitFor("the host-key question", func() bool { return h.u.trustDlg != nil })
	h.ui(func() { test.Tap(h.u.trustDlg.trust) })
	var e *entry
	h.waitFor("the strip with Bob and the window", func() bool {
		e = h.joined()
		return e != nil && e.pair.box.Visible() && slices.Equal(e.pair.chipTexts(), []string{"Bob (host)", "Win (you)"})
	})

	// Chat: a hostile line shows escaped; the window's own reaches the session.
	s.Say(sessions.HostID, "Bob\x1b[31m", "look \x1b]0;pwned\x07\x1b[2Jhere")
	h.waitFor("the chat line, escaped, counted on the Chat button", func() bool {
		lines := e.pair.chat.texts()
		return len(lines) == 1 && strings.HasSuffix(lines[0], `Bob\033[31m: look \033]0;pwned\007\033[2Jhere`) &&
			e.pair.chatBt.Text == "Chat (1)"
	})
	h.ui(func() {
		test.Tap(e.pair.chatBt)
		if !e.pair.chat.box.Visible() || e.pair.chatBt.Text != "Chat" {
			t.Error("the chat did not open, or kept its count")
		}
		test.Type(e.pair.chat.entry, "hello from the window")
		test.Tap(e.pair.chat.send)
	})
	duettest.Poll(t, "the window's line in the session", func() bool {
		c := s.Pairing().Chat
		return len(c) == 2 && c[1].Name == "Win" && c[1].Text == "hello from the window"
	})

	// One driver at a time: ask in one click; the host gives; the window drives.
	s.SetOneDriver(true)
	h.waitFor("Ask to drive", func() bool {
		return e.pair.ask.Visible() && strings.Contains(e.pair.driving.Text, "Bob drives")
	})
	h.ui(func() { test.Tap(e.pair.ask) })
	var fp string
	duettest.Poll(t, "the window asking", func() bool {
		for _, p := range s.Participants() {
			if p.Asking {
				fp = p.ID
				return true
			}
		}
		return false
	})
	h.waitFor("the window shown asking", func() bool {
		return !e.pair.ask.Visible() && slices.Contains(e.pair.chipTexts(), "Win (you) · asks to drive")
	})
	if err := s.GiveDrive(sessions.HostID, fp); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the window driving", func() bool {
		c := e.pair.chip(fp)
		return c != nil && c.label.Text == "Win (you) · drives" && strings.Contains(e.pair.driving.Text, "you drive") &&
			e.pair.chip(sessions.HostID).give != nil // the driver may hand control on
	})

	// The call: shown in full, opened only when clicked.
	const call = "https://meet.jit.si/duet-pair-a-rather-long-room-name-that-is-shown-in-full?with=query&and=more"
	if err := s.SetCall(call); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the call row", func() bool { return e.pair.callRow.Visible() && e.pair.callLink.Text == call })
	if got := h.a.opened(); len(got) != 0 {
		t.Fatalf("links opened without a click: %v", got)
	}
	h.ui(func() { test.Tap(e.pair.openCall) })
	if got := h.a.opened(); !slices.Equal(got, []string{call}) {
		t.Errorf("Open call opened %v", got)
	}

	// Point here: the window points at a cell; the host's point is marked.
	h.ui(func() {
		test.Tap(e.pair.pointBt)
		cw := e.term.Size().Width / float32(must(e.term.GridSize()))
		_, gr := e.term.GridSize()
		ch := e.term.Size().Height / float32(gr)
		test.TapAt(e.pair.mark.catcher, fyne.NewPos(cw*4.5, ch*2.5))
	})
	duettest.Poll(t, "the window's point", func() bool {
		p := s.Pairing().Points
		return len(p) == 1 && p[0].Col == 4 && p[0].Row == 2 && p[0].Name == "Win"
	})
	if err := s.PointAt(sessions.HostID, "Bob", 7, 3); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the host's point marked", func() bool {
		m := e.pair.mark
		return m.layer.Visible() && m.col == 7 && m.row == 3 && m.who.Text == " Bob"
	})
}

// must returns the first of two ints.
func must(a, _ int) int { return a }

// TestPairingHostedWindow: the hosting window's strip lists a partner who joins (its
// name escaped); one driver at a time is one switch; a partner who types while the host
// drives asks for control, and the host gives it with one click and takes it back with
// another; the chat sends, and the call link is set through its dialog (a bad one
// refused with a sentence).
func TestPairingHostedWindow(t *testing.T) {
	h := newHarness(t, options{})
	var e *entry
	h.ui(func() { e = h.u.entries[0] })
	h.waitFor("the strip with the host alone", func() bool { return len(e.pair.chips) == 1 })
	p := h.joinAs(keys.NewStore(t.TempDir()), "main@"+h.hostAddr(), "Alice\x1b[2J")
	h.waitApproval(1)
	h.ui(func() { test.Tap(h.u.approvals.once) })
	fp := p.fingerprint(t)
	h.waitFor("Alice on the strip", func() bool {
		c := e.pair.chip(fp)
		return c != nil && c.label.Text == `Alice\033[2J`
	})

	h.ui(func() { test.Tap(e.pair.oneDriver) })
	duettest.Poll(t, "one driver at a time", func() bool { on, d := e.session.OneDriver(); return on && d == sessions.HostID })
	<-p.dialed
	io.WriteString(p.connection(), "echo hi\r")
	h.waitFor("Alice asking, with Give control", func() bool {
		c := e.pair.chip(fp)
		return c != nil && strings.HasSuffix(c.label.Text, "asks to drive") && c.give != nil && c.give.Importance != widget.LowImportance
	})
	h.ui(func() { test.Tap(e.pair.chip(fp).give) })
	h.waitFor("Alice driving, Take back shown", func() bool {
		c := e.pair.chip(fp)
		return c != nil && strings.HasSuffix(c.label.Text, "drives") && e.pair.take.Visible()
	})
	h.ui(func() { test.Tap(e.pair.take) })
	duettest.Poll(t, "the host driving again", func() bool { _, d := e.session.OneDriver(); return d == sessions.HostID })

	h.ui(func() {
		test.Tap(e.pair.chatBt)
		test.Type(e.pair.chat.entry, "from the host")
		test.Tap(e.pair.chat.send)
	})
	duettest.Poll(t, "the host's line", func() bool {
		c := e.session.Pairing().Chat
		return len(c) == 1 && c[0].From == sessions.HostID && c[0].Text == "from the host"
	})

	h.ui(func() {
		test.Tap(e.pair.setCallBt)
		test.Type(e.pair.callDlg.link, "javascript:alert(1)")
		test.Tap(e.pair.callDlg.set)
		if !e.pair.callDlg.why.Visible() || e.session.Call() != "" {
			t.Error("a bad call link was taken")
		}
		e.pair.callDlg.link.SetText("https://meet.jit.si/duet")
		test.Tap(e.pair.callDlg.set)
	})
	if got := e.session.Call(); got != "https://meet.jit.si/duet" {
		t.Errorf("call link %q", got)
	}
	h.waitFor("the call row", func() bool { return e.pair.callRow.Visible() })
}

// OpenURL records the link instead of opening a browser.
func (a *loopApp) OpenURL(u *url.URL) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.urls = append(a.urls, u.String())
	return nil
}
