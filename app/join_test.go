package app

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/duetpair/duet/sessions"
)

// joined returns the joined entry (the window joins its own host in these tests).
func (h *harness) joined() *entry {
	for _, e := range h.u.entries {
		if !e.hosted() {
			return e
		}
	}
	return nil
}

// invite is the invite of the window's first hosted session.
func (h *harness) invite() string {
	var invite string
	h.ui(func() { invite = h.u.share.info.Invites[0] })
	return invite
}

// joinAllowed joins invite (of the window's own host, as a partner would), allows it
// once, and returns the joined entry once it is joined.
func (h *harness) joinAllowed(invite string) *entry {
	h.t.Helper()
	h.paste(invite)
	h.waitApproval(1)
	h.ui(func() { test.Tap(h.u.approvals.once) })
	h.waitFor("the joined state", func() bool { e := h.joined(); return e != nil && e.state == "joined" })
	var e *entry
	h.ui(func() { e = h.joined() })
	return e
}

// paste joins text through the Join dialog.
func (h *harness) paste(text string) {
	h.ui(func() {
		test.Tap(h.u.list.join)
		h.u.joinDlg.addr.SetText(text)
		test.Tap(h.u.joinDlg.join)
	})
}

func TestJoinWithPastedInvite(t *testing.T) {
	h := newHarness(t, options{})
	var invite string
	h.ui(func() { invite = h.u.share.info.Invites[0] })
	h.paste(invite)

	// The invite pins the host key: no question; the host asks about our key meanwhile.
	fp := h.waitApproval(1)
	h.waitFor("the waiting-for-approval state", func() bool {
		e := h.joined()
		return e != nil && e.state == "waiting for approval" && e.overlay.Visible() &&
			strings.Contains(e.note.Text, fp) && h.u.selected == e
	})
	h.ui(func() {
		if h.u.trustDlg != nil {
			t.Error("the host key was asked about although the invite pins it")
		}
		test.Tap(h.u.approvals.once)
	})
	h.waitFor("the joined state", func() bool {
		e := h.joined()
		return e.state == "joined" && !e.overlay.Visible()
	})
	var host, joined *entry
	h.ui(func() {
		host, joined = h.u.entries[0], h.joined()
		test.Type(joined.term, "echo joined-$((3*3))\r")
	})
	h.waitFor("the joined terminal's typing in the hosted session", func() bool {
		return strings.Contains(host.session.Screen().Text(), "joined-9") &&
			strings.Contains(joined.term.Screen().Text(), "joined-9")
	})
	h.waitFor("the partner count", func() bool { return host.partners == 1 })

	// Round trips: in the joined session's header, and for the partner in the host's
	// panel.
	h.waitFor("the round trip in the header", func() bool {
		return h.u.selected == joined && strings.Contains(h.u.centre.detail.Text, "round trip ")
	})
	h.ui(func() { h.u.selectEntry(host) })
	h.waitFor("the partner's round trip", func() bool {
		return len(h.u.partners.rows) == 1 && strings.HasPrefix(h.u.partners.rows[0].note.Text, "Round trip ")
	})

	// Closing the joined session leaves the host untouched.
	h.ui(func() {
		h.u.selectEntry(joined)
		test.Tap(h.u.centre.closeBt)
		if len(h.u.entries) != 1 || h.u.selected != host {
			t.Fatalf("after leaving: %d entries, host selected %v", len(h.u.entries), h.u.selected == host)
		}
	})
	h.waitFor("the partner to leave", func() bool { return host.partners == 0 })
	if _, ended := host.session.Exit(); ended {
		t.Fatal("leaving the joined session ended the hosted one")
	}
	h.ui(func() { test.Type(host.term, "echo still-$((5*5))\r") })
	h.waitFor("the hosted session to go on", func() bool {
		return strings.Contains(host.session.Screen().Text(), "still-25")
	})
}

func TestJoinAsksAboutHostKeyAndShowsDenial(t *testing.T) {
	h := newHarness(t, options{})
	h.paste(h.hostAddr()) // a plain address: the host key is unknown
	h.waitFor("the host-key question", func() bool { return h.u.trustDlg != nil })
	h.ui(func() { test.Tap(h.u.trustDlg.trust) })
	fp := h.waitApproval(1)
	h.ui(func() {
		h.u.joinDlg = nil
		test.Tap(h.u.approvals.deny)
	})
	// Refused: no entry stays behind, and the dialog keeps the address and offers Retry.
	h.waitFor("the refusal", func() bool { return h.u.joinDlg != nil && h.u.joinDlg.failed.Visible() })
	h.ui(func() {
		if want := "The host denied key " + fp + "."; h.u.joinDlg.failed.Text != want {
			t.Errorf("the dialog says %q, want %q", h.u.joinDlg.failed.Text, want)
		}
		if h.joined() != nil || h.u.joinDlg.join.Text != "Retry" || h.u.joinDlg.addr.Text == "" {
			t.Errorf("entry %v, button %q, address %q", h.joined() != nil, h.u.joinDlg.join.Text, h.u.joinDlg.addr.Text)
		}
	})
	// The key is now known: retrying asks no question.
	h.ui(func() {
		h.u.trustDlg = nil
		test.Tap(h.u.joinDlg.join)
	})
	h.waitApproval(1)
	h.ui(func() {
		if h.u.trustDlg != nil {
			t.Error("asked about a host key that was trusted before")
		}
	})
}

func TestJoinErrorsAreOneSentence(t *testing.T) {
	h := newHarness(t, options{noHostOnStart: true})
	for _, tc := range []struct{ addr, want string }{
		{"host:99999", "99999"},
		{"127.0.0.1:1", "Could not reach 127.0.0.1:1"},
	} {
		h.ui(func() { h.u.lastError, h.u.joinDlg = nil, nil })
		h.paste(tc.addr)
		// A malformed address: an error; a failed attempt: the dialog again, with Retry.
		var text string
		h.waitFor("the error", func() bool {
			switch {
			case h.u.lastError != nil:
				text = h.u.lastError.text
			case h.u.joinDlg != nil && h.u.joinDlg.failed.Visible():
				text = h.u.joinDlg.failed.Text
			}
			return text != ""
		})
		h.ui(func() {
			if !strings.Contains(text, tc.want) || strings.Count(text, ". ") > 0 || !strings.HasSuffix(text, ".") ||
				strings.Contains(text, "\n") {
				t.Errorf("%s: error %q is not one sentence containing %q", tc.addr, text, tc.want)
			}
			if h.joined() != nil {
				t.Errorf("%s: a failed join stayed in the list", tc.addr)
			}
		})
	}
}

// TestJoinedViewOnlyIsTold: a Duet partner (this window, joining its own host) gives its
// display name from Settings, and when let in view only it is told so: on its terminal's
// bottom row, in its header and list, and again when the host lets it type.
func TestJoinedViewOnlyIsTold(t *testing.T) {
	h := newHarness(t, options{})
	h.ui(func() { h.u.settings.Name = "Alice" })
	var invite string
	h.ui(func() { invite = h.u.share.info.Invites[0] })
	h.paste(invite)
	h.waitApproval(1)
	h.ui(func() {
		a := h.u.approvals
		if a.name.Text != "Alice" {
			t.Errorf("the dialog names the partner %q, want the display name Alice", a.name.Text)
		}
		a.role.SetSelected(roleViewText)
		test.Tap(a.once)
	})
	// The notice goes on the session's bottom row, or the terminal's if that is smaller
	// (the windows' terminals differ as their pairing strips come and go).
	bottom := func(e *entry) string {
		_, rows := e.term.ScreenSize()
		_, sr := h.u.entries[0].session.Size()
		return e.term.Screen().LineText(min(rows, sr) - 1)
	}
	h.waitFor("the view-only notice in the joined terminal and header", func() bool {
		e := h.joined()
		return e != nil && e.viewOnly && strings.Contains(bottom(e), "you are view only") &&
			strings.Contains(h.u.centre.detail.Text, "view only")
	})
	h.ui(func() { h.u.selectEntry(h.u.entries[0]) })
	h.waitFor("the partner's row, named", func() bool {
		return len(h.u.partners.rows) == 1 && h.u.partners.rows[0].name.Text == "Alice"
	})
	h.ui(func() { test.Tap(h.u.partners.rows[0].role) })
	h.waitFor("the notice that the partner can type now", func() bool {
		e := h.joined()
		return !e.viewOnly && strings.Contains(bottom(e), "you can type now")
	})
}

// TestJoinedSeesThePlainEnd: when the host ends the session, a joined window says so
// plainly, not with the exit status of a hung-up shell.
func TestJoinedSeesThePlainEnd(t *testing.T) {
	h := newHarness(t, options{})
	h.joinAllowed(h.invite())
	var s *sessions.Session
	h.ui(func() { h.u.entries[0].ending = true; s = h.u.entries[0].session })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the plain end", func() bool {
		e := h.joined()
		return e != nil && e.ended && e.state == "the host ended the session"
	})
}

// TestJoinedSessionDrawnAtItsSize: a joined Duet session made smaller by someone else's
// terminal is drawn at its size, the rest of the window's terminal shaded and explained
// (the host says the size in the output, wire.SizedRequest); once that terminal leaves,
// the joined terminal is the session again, all of it.
func TestJoinedSessionDrawnAtItsSize(t *testing.T) {
	h := newHarness(t, options{})
	joined := h.joinAllowed(h.invite())
	var host *entry
	var cols, rows int
	h.ui(func() {
		host = h.u.entries[0]
		cols, rows = joined.term.GridSize()
	})
	h.waitFor("the joined screen at the window's size", func() bool {
		c, r := joined.term.ScreenSize()
		return c == cols && r == rows && !joined.shadeBx.Visible()
	})

	small, err := host.session.Attach(sessions.AttachOptions{Name: "small", Cols: cols - 10, Rows: rows - 5})
	if err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() { defer close(copied); small.CopyTo(io.Discard) }()
	want := fmt.Sprintf("The session is %d×%d:", cols-10, rows-5)
	h.waitFor("the joined screen at the session's size, the rest explained", func() bool {
		c, r := joined.term.ScreenSize()
		return c == cols-10 && r == rows-5 && joined.shadeBx.Visible() && strings.HasPrefix(joined.shade.Text, want)
	})
	h.ui(func() { test.Type(joined.term, "echo small-$((4*4))\r") })
	h.waitFor("typing at that size", func() bool { return strings.Contains(joined.term.Screen().Text(), "small-16") })

	small.Detach()
	<-copied
	h.waitFor("the joined screen at the window's size again", func() bool {
		c, r := joined.term.ScreenSize()
		return c == cols && r == rows && !joined.shadeBx.Visible()
	})
}
