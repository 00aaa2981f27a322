package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
)

// waitApproval waits until n partners wait for approval and returns the fingerprint on
// screen.
func (h *harness) waitApproval(n int) string {
	h.t.Helper()
	h.waitFor("the approval dialog", func() bool { return len(h.u.approvals.queue) == n })
	h.waitArmed()
	var fp string
	h.ui(func() { fp = h.u.approvals.fp.Text })
	return fp
}

func TestApprovalDialog(t *testing.T) {
	for _, tc := range []struct {
		name      string
		tap       func(a *approvals) // nil: let it time out
		role      string
		joins     bool
		saved     bool
		readOnly  bool
		timeout   time.Duration
		countdown string
	}{
		{name: "deny", tap: func(a *approvals) { test.Tap(a.deny) }},
		{name: "allow once", tap: func(a *approvals) { test.Tap(a.once) }, joins: true},
		{name: "allow once view only", tap: func(a *approvals) { test.Tap(a.once) }, role: roleViewText, joins: true, readOnly: true},
		{name: "always allow", tap: func(a *approvals) { a.name.SetText("Alice"); test.Tap(a.always) }, joins: true, saved: true},
		{name: "timeout", timeout: 2 * time.Second, countdown: "Denied automatically in "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, options{approveTimeout: tc.timeout})
			p := h.join("main")
			fp := h.waitApproval(1)
			if want := p.fingerprint(t); fp != want {
				t.Fatalf("dialog shows key %q, want the partner's %q", fp, want)
			}
			h.ui(func() {
				a := h.u.approvals
				if a.session.Text != "main" || a.remote.Text != "127.0.0.1" || a.keyType.Text != "ssh-ed25519" {
					t.Errorf("dialog shows session %q, from %q, type %q", a.session.Text, a.remote.Text, a.keyType.Text)
				}
				if !strings.HasPrefix(a.countdown.Text, "Denied automatically in ") {
					t.Errorf("countdown %q", a.countdown.Text)
				}
				if tc.role != "" {
					a.role.SetSelected(tc.role)
				}
				if tc.tap != nil {
					tc.tap(a)
				}
			})
			h.waitFor("the dialog to close", func() bool { return len(h.u.approvals.queue) == 0 })
			if tc.joins {
				h.waitFor("the partner in the partners panel", func() bool {
					return len(h.u.partners.rows) == 1 && h.u.partners.rows[0].p.fingerprint == fp
				})
				h.ui(func() {
					if r := h.u.partners.rows[0]; r.role.Checked == tc.readOnly {
						t.Errorf("role check says can type = %v, want %v", r.role.Checked, !tc.readOnly)
					}
				})
				if ps := h.u.hosting.host.Partners(); len(ps) != 1 || ps[0].ReadOnly != tc.readOnly {
					t.Errorf("host's partners %+v, want one with read-only %v", ps, tc.readOnly)
				}
			} else if status := p.ended(t); status != 1 {
				t.Errorf("refused partner's exit status %d, want 1", status)
			}
			_, _, saved := h.store.Approved().Lookup(mustKey(t, p))
			if saved != tc.saved {
				t.Errorf("key saved to approved keys: %v, want %v", saved, tc.saved)
			}
		})
	}
}

// waitArmed waits for the dialog's guard delay to pass.
func (h *harness) waitArmed() {
	h.t.Helper()
	h.waitFor("the dialog's buttons to take clicks", func() bool { return h.u.approvals.armed && !h.u.approvals.once.Disabled() })
}

func mustKey(t *testing.T, p *partner) ssh.PublicKey {
	t.Helper()
	id, err := p.store.LoadOrCreateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	return id.PublicKey()
}

func TestApprovalsQueueAndNotify(t *testing.T) {
	h := newHarness(t, options{})
	h.ui(func() { h.u.focused = false }) // the window is in the background
	p1 := h.join("main")
	first := h.waitApproval(1)
	p2 := h.join("main")
	h.waitApproval(2)
	h.ui(func() {
		a := h.u.approvals
		if a.fp.Text != first || !a.more.Visible() || a.more.Text != "1 more waiting" {
			t.Errorf("dialog shows %q with %q (visible %v)", a.fp.Text, a.more.Text, a.more.Visible())
		}
		test.Tap(a.deny)
		if a.fp.Text != p2.fingerprint(t) || a.more.Visible() {
			t.Errorf("after answering the first, the dialog shows %q, more visible %v", a.fp.Text, a.more.Visible())
		}
	})
	h.waitArmed()
	h.ui(func() { test.Tap(h.u.approvals.once) })
	if status := p1.ended(t); status != 1 {
		t.Errorf("denied partner's exit status %d", status)
	}
	h.waitFor("the second partner", func() bool { return len(h.u.partners.rows) == 1 })
	if n := h.a.sent(); len(n) < 2 || !strings.Contains(n[0].Content, first) {
		t.Errorf("notifications %+v, want one per request naming the key", n)
	}
}

func TestRoleToggleAndKickReachTheHost(t *testing.T) {
	h := newHarness(t, options{})
	p := h.join("main")
	h.waitApproval(1)
	h.ui(func() { test.Tap(h.u.approvals.once) })
	h.waitFor("the partner's row", func() bool { return len(h.u.partners.rows) == 1 })
	h.ui(func() { test.Tap(h.u.partners.rows[0].role) }) // can type -> view only
	h.waitFor("the partner to be view only", func() bool {
		ps := h.u.hosting.host.Partners()
		return len(ps) == 1 && ps[0].ReadOnly && len(h.u.partners.rows) == 1 && !h.u.partners.rows[0].role.Checked
	})
	// A view-only partner's typing is dropped on the host.
	p.connection().Write([]byte("echo view-$((1+1))\r"))
	h.ui(func() { test.Type(h.u.entries[0].term, "echo host-$((2+2))\r") })
	h.waitFor("the host's own typing", func() bool {
		return strings.Contains(h.u.entries[0].session.Screen().Text(), "host-4")
	})
	if strings.Contains(h.u.entries[0].session.Screen().Text(), "view-2") {
		t.Error("a view-only partner's typing reached the session")
	}
	h.ui(func() { test.Tap(h.u.partners.rows[0].role) }) // back to can type
	h.waitFor("the partner to type again", func() bool {
		ps := h.u.hosting.host.Partners()
		return len(ps) == 1 && !ps[0].ReadOnly
	})
	h.ui(func() {
		test.Tap(h.u.partners.rows[0].kick)
		h.u.partners.kick.Dismiss() // Cancel: nothing happens
	})
	if ps := h.u.hosting.host.Partners(); len(ps) != 1 {
		t.Fatal("a cancelled Kick disconnected the partner")
	}
	h.ui(func() {
		test.Tap(h.u.partners.rows[0].kick)
		h.u.partners.kick.Confirm()
	})
	p.ended(t)
	h.waitFor("the partner to leave the panel, its row greyed in place", func() bool {
		return len(h.u.partners.rows) == 0 && len(h.u.partners.body.Objects) == 1 && len(h.u.partners.ghost) == 1
	})
	h.waitFor("the greyed row to go", func() bool { return len(h.u.partners.body.Objects) == 1 && len(h.u.partners.ghost) == 0 })
	if !strings.Contains(p.out.String(), "the host disconnected you") {
		t.Errorf("the kicked partner was not told why: %q", p.out.String())
	}
}

// TestApprovalDialogIsSafe: the default (Enter) is "Allow once" with the role the host
// chose last, "Always allow" waits for a name, the buttons and keys do nothing for the
// guard delay after a request comes on screen (also when the next queued one replaces
// it), "N more waiting" is inside, and an unknown session is shown as what it is.
func TestApprovalDialogIsSafe(t *testing.T) {
	h := newHarness(t, options{})
	// The first request's guard lasts until its checks are done, however long the second
	// partner takes to ask (on a loaded machine, longer than the real delay).
	h.ui(func() { h.u.approvals.delay = time.Hour })
	addr := h.hostAddr()
	alice := h.joinAs(keys.NewStore(t.TempDir()), "nosuch@"+addr, "Alice\x1b[2J")
	h.waitFor("the first request", func() bool { return len(h.u.approvals.queue) == 1 })
	bob := h.join("main") // no name, as from OpenSSH
	h.waitFor("the second request", func() bool { return len(h.u.approvals.queue) == 2 })
	h.ui(func() {
		a := h.u.approvals
		if a.armed || !a.once.Disabled() || !a.deny.Disabled() || !a.always.Disabled() {
			t.Fatalf("buttons take clicks at once: armed %v", a.armed)
		}
		test.Tap(a.once) // a double-click meant for something else
		a.onKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if len(a.queue) != 2 {
			t.Fatalf("a click or Enter during the guard answered: %d left", len(a.queue))
		}
		if a.name.Text != `Alice\033[2J` {
			t.Errorf("name field %q, want the partner's name escaped", a.name.Text)
		}
		if want := "asks for session nosuch, which does not exist; would join main"; a.session.Text != want {
			t.Errorf("session %q, want %q", a.session.Text, want)
		}
		if a.more.Text != "1 more waiting" || !a.more.Visible() {
			t.Errorf("more %q (visible %v)", a.more.Text, a.more.Visible())
		}
		if a.role.Selected != roleTypeText {
			t.Errorf("first role %q", a.role.Selected)
		}
		if !a.onceNote.Visible() || !strings.Contains(a.onceNote.Text, "until the session ends") ||
			!strings.Contains(a.onceNote.Text, "without asking you again") {
			t.Errorf("the dialog does not say how long Allow once lasts: %q", a.onceNote.Text)
		}
		a.role.SetSelected(roleViewText) // the host's choice, kept for the next one
		a.delay = guardDelay
		a.guard() // from now, as the host's typing restarts it
	})
	h.waitArmed()
	h.ui(func() {
		a := h.u.approvals
		if a.always.Disabled() {
			t.Error("Always allow disabled although the partner has a name")
		}
		a.onKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter: Allow once
		if len(a.queue) != 1 || a.armed || !a.once.Disabled() {
			t.Fatalf("after Enter: %d waiting, armed %v: want the next request, guarded", len(a.queue), a.armed)
		}
		test.Tap(a.deny) // during the next one's guard: ignored
		if len(a.queue) != 1 {
			t.Fatal("a click during the next request's guard answered it")
		}
	})
	h.waitArmed()
	h.ui(func() {
		// The host goes on typing a line meant for the terminal: its Enter is ignored.
		a := h.u.approvals
		for _, r := range "ls -l" {
			a.onRune(r)
		}
		a.onKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if len(a.queue) != 1 || a.armed {
			t.Fatal("the Enter ending a line typed into the dialog answered it")
		}
	})
	h.waitArmed()
	h.ui(func() {
		a := h.u.approvals
		if a.role.Selected != roleViewText {
			t.Errorf("role %q, want the one chosen last (%q)", a.role.Selected, roleViewText)
		}
		if !a.always.Disabled() || a.name.Text != "" {
			t.Errorf("Always allow enabled (%v) for a partner without a name %q", !a.always.Disabled(), a.name.Text)
		}
		test.Tap(a.always) // needs a name: does nothing
		if len(a.queue) != 1 {
			t.Fatal("Always allow answered without a name")
		}
		a.name.SetText("Bob")
		test.Tap(a.always)
	})
	h.waitFor("both partners in the panel", func() bool { return len(h.u.partners.rows) == 2 })
	h.ui(func() {
		names := map[string]bool{}
		for _, r := range h.u.partners.rows {
			names[r.name.Text] = r.p.readOnly
		}
		if ro, ok := names[`Alice\033[2J`]; !ok || !ro {
			t.Errorf("partners %v: want Alice (escaped), view only", names)
		}
		if ro, ok := names["Bob"]; !ok || !ro {
			t.Errorf("partners %v: want Bob, view only", names)
		}
	})
	if _, comment, ok := h.store.Approved().Lookup(mustKey(t, bob)); !ok || comment != "Bob" {
		t.Errorf("Always allow saved %q (%v), want the name given, Bob", comment, ok)
	}
	if _, _, ok := h.store.Approved().Lookup(mustKey(t, alice)); ok {
		t.Error("Allow once saved the key")
	}
}
