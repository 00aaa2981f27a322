package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/ssh"
)

// waitApproval waits until n partners wait for approval and returns the fingerprint on
// screen.
func (h *harness) waitApproval(n int) string {
	h.t.Helper()
	h.waitFor("the approval dialog", func() bool { return len(h.u.approvals.queue) == n })
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
		{name: "always allow", tap: func(a *approvals) { test.Tap(a.always) }, joins: true, saved: true},
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
		if a.fp.Text != first || !a.more.Visible() || a.more.Text != "1 more partner waiting" {
			t.Errorf("dialog shows %q with %q (visible %v)", a.fp.Text, a.more.Text, a.more.Visible())
		}
		test.Tap(a.deny)
		if a.fp.Text != p2.fingerprint(t) || a.more.Visible() {
			t.Errorf("after answering the first, the dialog shows %q, more visible %v", a.fp.Text, a.more.Visible())
		}
		test.Tap(a.once)
	})
	if status := p1.ended(t); status != 1 {
		t.Errorf("denied partner's exit status %d", status)
	}
	h.waitFor("the second partner", func() bool { return len(h.u.partners.rows) == 1 })
	if n := h.a.sent(); len(n) != 2 || !strings.Contains(n[0].Content, first) {
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
	h.ui(func() { test.Tap(h.u.partners.rows[0].kick) })
	p.ended(t)
	h.waitFor("the partner to leave the panel", func() bool { return len(h.u.partners.rows) == 0 })
	if !strings.Contains(p.out.String(), "the host disconnected you") {
		t.Errorf("the kicked partner was not told why: %q", p.out.String())
	}
}
