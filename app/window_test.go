package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/duetpair/duet/keys"
)

func TestHostsOnStart(t *testing.T) {
	h := newHarness(t, options{})
	var e *entry
	h.ui(func() {
		if len(h.u.entries) != 1 {
			t.Fatalf("%d sessions in the list, want the default one", len(h.u.entries))
		}
		e = h.u.entries[0]
		if !e.hosted() || e.name != "main" || h.u.selected != e {
			t.Fatalf("first entry %q hosted=%v selected=%v", e.name, e.hosted(), h.u.selected == e)
		}
		if h.w.Canvas().Focused() != e.term {
			t.Errorf("focus is on %v, not the session's terminal", h.w.Canvas().Focused())
		}
		if h.u.centre.title.Text != "main" {
			t.Errorf("header %q", h.u.centre.title.Text)
		}
	})
	addr := h.hostAddr()
	_, port, _ := strings.Cut(addr, ":")
	h.ui(func() {
		info := h.u.share.info
		if len(info.SSHLines) != 1 || info.SSHLines[0] != "ssh -p "+port+" main@127.0.0.1" {
			t.Errorf("join lines %q", info.SSHLines)
		}
		if len(info.Invites) != 1 || !strings.HasPrefix(info.Invites[0], "duet://main@"+addr+"/#SHA256:") {
			t.Errorf("invites %q", info.Invites)
		}
		r := h.u.share.row(info.Invites[0])
		if r == nil {
			t.Fatal("no copy row for the invite")
		}
		test.Tap(r.copy)
		if got := h.a.Clipboard().Content(); got != info.Invites[0] {
			t.Errorf("clipboard %q after Copy, want the invite", got)
		}
		if r := h.u.share.row(info.Fingerprint); r == nil {
			t.Error("no copy row for the host key fingerprint")
		}
	})

	// The terminal is the session's: typing reaches the shell, output is drawn.
	h.ui(func() { test.Type(e.term, "echo typed-$((6*7))\r") })
	h.waitFor("the typed command's output in the window", func() bool {
		return strings.Contains(e.term.Screen().Text(), "typed-42")
	})
	if !strings.Contains(e.session.Screen().Text(), "typed-42") {
		t.Error("the session's own screen lacks the output")
	}
}

func TestHostOnStartSettingOff(t *testing.T) {
	h := newHarness(t, options{noHostOnStart: true})
	h.ui(func() {
		if len(h.u.entries) != 0 || h.u.hosting != nil {
			t.Fatalf("%d sessions, hosting %v: want none with host_on_start off", len(h.u.entries), h.u.hosting != nil)
		}
		if h.u.centre.stack.Objects[0] != h.u.centre.empty {
			t.Error("the centre does not show the welcome")
		}
		// Settings turn it back on, saved for next time.
		h.u.showSettings()
		test.Tap(h.u.settingsDlg.hostOnStart)
	})
	if s := loadSettings(h.store, h.u.log); !s.HostOnStart {
		t.Error("the setting was not saved")
	}
	// Host a session from the list's Host button.
	h.ui(func() {
		test.Tap(h.u.list.host)
		h.u.list.hostName.SetText("pair")
		h.u.list.hostCmd.SetText("cat")
		h.u.list.hostDialog.Submit()
	})
	h.waitFor("the hosted session", func() bool {
		return len(h.u.entries) == 1 && h.u.entries[0].name == "pair" && h.u.entries[0].command == "cat"
	})
}

func TestQuitAsksWhilePartnersAreAttached(t *testing.T) {
	h := newHarness(t, options{})
	p := h.join("main")
	h.waitApproval(1)
	h.ui(func() { test.Tap(h.u.approvals.once) })
	h.waitFor("the partner in the panel", func() bool { return len(h.u.partners.rows) == 1 })
	h.ui(func() {
		h.u.onCloseWindow()
		if h.u.quitting || h.u.quitDialog == nil {
			t.Fatal("closing the window with a partner attached did not ask first")
		}
		if txt := h.u.quitDialog.text.Text; !strings.Contains(txt, "with a partner attached") {
			t.Errorf("the quit dialog says %q", txt)
		}
		test.Tap(h.u.quitDialog.cancel)
	})
	_ = p
}

// TestHostSeesExactlyTheSessionWithASmallerPartner: a partner with a smaller terminal
// makes the session smaller; the host's terminal shows exactly the session's screen
// (after seq 1 300 the prompt is where the session has it), the shade is explained with
// the partner's name, and all of it goes when the partner leaves.
func TestHostSeesExactlyTheSessionWithASmallerPartner(t *testing.T) {
	h := newHarness(t, options{})
	// Without a status line: the partner's terminal is the session's size.
	p := h.joinAs(keys.NewStore(t.TempDir()), "main+nostatus@"+h.hostAddr(), "Alice")
	h.waitApproval(1)
	h.ui(func() { test.Tap(h.u.approvals.once) })
	<-p.dialed
	if p.connection() == nil {
		t.Fatalf("join: %v", p.err)
	}
	if err := p.connection().Resize(40, 10); err != nil {
		t.Fatal(err)
	}
	var e *entry
	h.ui(func() { e = h.u.entries[0] })
	// The screen takes the size as the output marks it; the explanation follows the
	// partners' sizes, which the window reads a moment later.
	want := "Alice's terminal is 40×10: the session is that size. The shaded part of your terminal is outside it."
	h.waitFor("the window's screen to take the partner's size, explained", func() bool {
		c, r := e.term.ScreenSize()
		return c == 40 && r == 10 && e.shadeBx.Visible() && e.shade.Text == want
	})
	h.ui(func() { test.Type(e.term, "seq 1 300\r") })
	h.waitFor("the prompt after seq, on the window's screen as on the session's", func() bool {
		text := e.term.Screen().Text()
		return strings.Contains(text, "300\n$") && text == e.session.Screen().Text()
	})
	p.connection().Close()
	h.waitFor("the screen to be the window's again, the shade gone", func() bool {
		c, r := e.term.ScreenSize()
		gc, gr := e.term.GridSize()
		return c == gc && r == gr && !e.shadeBx.Visible() && e.partners == 0
	})
}

// TestJoinAndLeaveAreNoticed: a pre-approved partner (no dialog) joining and leaving
// shows a notice in the window and, while it is not focused, a desktop notification; the
// window title says how many watch.
func TestJoinAndLeaveAreNoticed(t *testing.T) {
	pstore := keys.NewStore(t.TempDir())
	id, err := pstore.LoadOrCreateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, options{setup: func(store *keys.Store) {
		if err := store.Approved().Add(id.PublicKey(), keys.RoleView, "Bob"); err != nil {
			t.Fatal(err)
		}
	}})
	h.ui(func() {
		h.u.focused = false
		if got := h.w.Title(); got != "main — Duet" {
			t.Errorf("title %q with nobody watching", got)
		}
	})
	p := h.joinWith(pstore)
	h.waitFor("the join notice and the title", func() bool {
		return h.u.presence.layer.Visible() && strings.Contains(h.u.presence.text.Text, "Bob joined main (view only)") &&
			h.w.Title() == "main · 1 watching — Duet"
	})
	// The notice sits below the session's pairing strip, not over its buttons.
	h.waitFor("the notice below the strip", func() bool {
		e := h.u.centre.shown
		if e == nil || !e.pair.box.Visible() {
			return false
		}
		d := fyne.CurrentApp().Driver()
		stripBottom := d.AbsolutePositionForObject(e.pair.box).Y + max(e.pair.box.Size().Height, e.pair.box.MinSize().Height)
		return d.AbsolutePositionForObject(h.u.presence.text).Y >= stripBottom
	})
	<-p.dialed
	p.connection().Close()
	h.waitFor("the leave notice and the title", func() bool {
		return strings.Contains(h.u.presence.text.Text, "Bob left main") && h.w.Title() == "main — Duet"
	})
	var texts []string
	for _, n := range h.a.sent() {
		texts = append(texts, n.Content)
	}
	if got := strings.Join(texts, "|"); !strings.Contains(got, "Bob joined main (view only).") || !strings.Contains(got, "Bob left main.") {
		t.Errorf("desktop notifications %q, want the join and the leave", got)
	}
}
