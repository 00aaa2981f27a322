//go:build !windows

package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/join"
)

// TestHistorySettingAndJoinedScrollback: the History setting changes what the share
// panel says and how much scrollback a partner who joins gets; the window's joined
// session has it in its terminal's own scrollback, each line once, above the screen.
func TestHistorySettingAndJoinedScrollback(t *testing.T) {
	h := newHarness(t, options{})
	var host *entry
	h.ui(func() {
		host = h.u.entries[0]
		test.Type(host.term, "seq 1 300; echo done-$((6*7))\r")
	})
	h.waitFor("the output", func() bool { return strings.Contains(host.session.Screen().Text(), "done-42") })
	h.ui(func() {
		if got := h.u.share.history.Text; !strings.Contains(got, "Partners see the last 5000 lines") {
			t.Errorf("share panel says %q, want all 5000 lines", got)
		}
		h.u.showSettings()
		h.u.settingsDlg.history.SetText("x")
		if got := h.u.settingsDlg.historyNote.Text; !strings.Contains(got, "Type a number") {
			t.Errorf("a bad number: note %q", got)
		}
		h.u.settingsDlg.history.SetText("50")
		if got := h.u.settingsDlg.historyNote.Text; got != "Partners see the last 50 lines of scrollback when they join." {
			t.Errorf("settings note %q", got)
		}
		if got := h.u.share.history.Text; !strings.Contains(got, "Partners see the last 50 lines") {
			t.Errorf("share panel says %q after the change", got)
		}
		h.u.settingsDlg.dlg.Hide()
	})
	if s := loadSettings(h.store, h.u.log); s.History == nil || *s.History != 50 {
		t.Errorf("saved history %v, want 50", s.History)
	}

	var invite string
	h.ui(func() { invite = h.u.share.info.Invites[0] })
	h.paste(invite)
	h.waitApproval(1)
	h.ui(func() { test.Tap(h.u.approvals.once) })
	h.waitFor("the joined terminal to show the screen", func() bool {
		e := h.joined()
		return e != nil && e.state == "joined" && strings.Contains(e.term.Screen().Text(), "done-42")
	})
	var lines []string
	h.ui(func() { lines = duettest.Lines(h.joined().term.Screen()) })
	got := duettest.Numbered(lines)
	// The screen shows the last lines; 50 more are above it.
	onScreen := duettest.Numbered(strings.Split(host.session.Screen().Text(), "\n"))
	first := onScreen[0] - 50
	if len(got) != 300-first+1 || got[0] != first || got[len(got)-1] != 300 {
		t.Fatalf("the joined terminal holds %d numbered lines (%v...%v), want %d to 300",
			len(got), got[:min(3, len(got))], got[max(len(got)-3, 0):], first)
	}
}

// TestJoinedKeepsKeysWhileReconnecting: keys typed in the window's joined session while
// its connection is down are kept and reach the host once it is back, after the banner
// went; the reconnect is not asked about again (Allow once covers it).
func TestJoinedKeepsKeysWhileReconnecting(t *testing.T) {
	h := newHarness(t, options{})
	addr := h.hostAddr()
	p := duettest.NewProxy(t, addr)
	h.joinAllowed(strings.Replace(h.invite(), addr, p.Addr(), 1))

	p.SetRefuse(true)
	p.Cut()
	h.waitFor("the reconnecting banner", func() bool {
		e := h.joined()
		return e.state == "reconnecting" && e.overlay.Visible() && strings.Contains(e.note.Text, "reconnecting")
	})
	h.ui(func() { test.Type(h.joined().term, "echo held-$((5*5))\r") })
	p.SetRefuse(false)
	var host *entry
	h.ui(func() { host = h.u.entries[0] })
	h.waitFor("the keys typed while reconnecting to reach the host", func() bool {
		return strings.Contains(host.session.Screen().Text(), "held-25")
	})
	h.waitFor("the banner to go", func() bool { e := h.joined(); return e.state == "joined" && !e.overlay.Visible() })
	h.ui(func() {
		if n := len(h.u.approvals.queue); n != 0 {
			t.Errorf("the reconnect was asked about again: %d questions", n)
		}
		if h.u.lastError != nil {
			t.Errorf("an error was shown: %q", h.u.lastError.text)
		}
	})

	// More than join.MaxHeldInput typed while down: the window says what was dropped.
	p.SetRefuse(true)
	p.Cut()
	h.waitFor("the reconnecting banner again", func() bool { return h.joined().state == "reconnecting" })
	h.ui(func() { test.Type(h.joined().term, strings.Repeat("x", join.MaxHeldInput+100)) })
	p.SetRefuse(false)
	h.waitFor("the sentence about what was discarded", func() bool {
		return h.u.lastError != nil && strings.Contains(h.u.lastError.text, "100 discarded")
	})
}

// TestHostSizeAndPanKeys: with "Session size: yours" in Settings, a joined terminal
// smaller than the host's session is told it sees part of it (the header says so and
// how to pan), and Ctrl+Shift+arrows move its view on the host; Ctrl+Shift+Home makes
// it follow the cursor again.
func TestHostSizeAndPanKeys(t *testing.T) {
	h := newHarness(t, options{})
	var sess *sessions.Session
	h.ui(func() {
		sess = h.u.entries[0].session
		h.u.showSettings()
		h.u.settingsDlg.size.SetSelected(sizeHostText)
		h.u.settingsDlg.dlg.Hide()
	})
	if sess.SizePolicy() != sessions.SizeHost {
		t.Fatal("the setting did not reach the hosted session")
	}
	if s := loadSettings(h.store, h.u.log); s.Size != "host" {
		t.Errorf("saved size %q", s.Size)
	}
	h.joinAllowed(h.invite())

	// The host's own window grows beyond the joined terminal (here, by hand).
	var partner *sessions.Client
	for _, c := range sess.Clients() {
		if c.Name() == windowClient {
			c.Resize(200, 60)
		} else {
			partner = c
		}
	}
	if cols, rows := sess.Size(); cols != 200 || rows != 60 {
		t.Fatalf("the session is %dx%d, want the host's 200x60", cols, rows)
	}
	h.waitFor("the joined header to say it shows part of the session", func() bool {
		return h.joined().viewOf == "200×60" && strings.Contains(h.u.centre.detail.Text, "Ctrl+Shift+arrows pan")
	})
	h.waitFor("the host's partners panel to say the partner sees a part", func() bool {
		st, _ := h.u.snap.session("main")
		return len(st.partners) == 1 && strings.Contains(partnerNote(st.partners[0]), "Sees the part around the cursor") &&
			strings.Contains(sizeText(st), "size set by your window")
	})
	x0, y0, _, _, ok := partner.View()
	if !ok {
		t.Fatal("the partner has no view")
	}
	h.ui(func() {
		h.joined().term.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyRight, Modifier: panModifier})
	})
	h.waitFor("the view to move right", func() bool { x, _, _, _, _ := partner.View(); return x > x0 })
	h.ui(func() {
		h.joined().term.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyHome, Modifier: panModifier})
	})
	h.waitFor("the view back at the cursor", func() bool { x, y, _, _, _ := partner.View(); return x == x0 && y == y0 })
}
