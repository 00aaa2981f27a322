package app

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

func TestKeysGenerateCopyAddRevoke(t *testing.T) {
	h := newHarness(t, options{})
	k := h.u.keys
	h.ui(func() {
		test.Tap(h.u.list.keys)
		if !k.generate.Visible() || !k.copy.Disabled() {
			t.Fatal("with no key, Generate is not offered")
		}
		test.Tap(k.generate)
		if k.generate.Visible() || k.copy.Disabled() || !strings.HasPrefix(k.pub.Text, "ssh-ed25519 ") {
			t.Fatalf("after Generate: pub %q, generate visible %v", k.pub.Text, k.generate.Visible())
		}
		test.Tap(k.copy)
	})
	id, err := h.store.LoadIdentity()
	if err != nil {
		t.Fatalf("no identity after Generate: %v", err)
	}
	if got := h.a.Clipboard().Content(); got != id.AuthorizedKey() {
		t.Errorf("clipboard %q, want the public key", got)
	}

	// A partner's key, pasted and approved view only; they then join without asking.
	p := h.join("main")
	fp := h.waitApproval(1)
	pub := keys.AuthorizedKey(mustKey(t, p), "dana@studio")
	h.ui(func() {
		test.Tap(h.u.approvals.deny)
		k.paste.SetText(pub + "\n")
		k.role.SetSelected(roleViewText)
		test.Tap(k.add)
		if len(k.rows) != 1 || k.rows[0].fp != fp || !strings.Contains(k.rows[0].label.Text, "dana@studio · view only") {
			t.Fatalf("approved rows after Add: %d, %+v", len(k.rows), k.rows)
		}
	})
	p.ended(t)
	p2 := h.joinWith(p.store)
	h.waitFor("the approved partner, without a question", func() bool {
		return len(h.u.partners.rows) == 1 && h.u.partners.rows[0].p.name == "dana@studio" && len(h.u.approvals.queue) == 0
	})

	// Revoke asks first; Cancel keeps the key, Revoke disconnects them and forgets it.
	h.ui(func() {
		test.Tap(k.rows[0].revoke)
		if k.revokeDlg == nil {
			t.Fatal("Revoke did not ask first")
		}
		k.revokeDlg.Dismiss()
		if len(k.rows) != 1 {
			t.Fatal("a cancelled Revoke revoked")
		}
		test.Tap(k.rows[0].revoke)
		k.revokeDlg.Confirm()
	})
	p2.ended(t)
	h.ui(func() {
		if len(k.rows) != 0 {
			t.Errorf("%d approved rows after Revoke", len(k.rows))
		}
	})
	data, _ := os.ReadFile(h.store.Approved().Path())
	if strings.Contains(string(data), "dana@studio") {
		t.Error("the revoked key is still in approved_keys")
	}
	if !strings.Contains(p2.out.String(), "revoked") {
		t.Errorf("the revoked partner was not told: %q", p2.out.String())
	}
}

func TestKeysAddRefusesWhatIsNotAKey(t *testing.T) {
	h := newHarness(t, options{noHostOnStart: true})
	h.ui(func() {
		h.u.keys.show()
		h.u.keys.paste.SetText("hello")
		test.Tap(h.u.keys.add)
		if h.u.lastError == nil || !strings.HasPrefix(h.u.lastError.text, "That is not a public key") {
			t.Errorf("pasting junk: %+v", h.u.lastError)
		}
	})
}

// A line of approved_keys that approves nobody (an option Duet does not honour) is named
// in the Keys panel, and a line with from= shows where from.
func TestKeysShowsSkippedLines(t *testing.T) {
	h := newHarness(t, options{noHostOnStart: true})
	ap := h.u.cfg.Store.Approved()
	text := "no-pty " + keys.AuthorizedKey(duettest.PublicKey(t), "pty-less") + "\n" +
		`from="10.0.0.0/8" ` + keys.AuthorizedKey(duettest.PublicKey(t), "office") + "\n"
	if err := os.WriteFile(ap.Path(), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	h.ui(func() {
		h.u.keys.show()
		if len(h.u.keys.problems) != 1 || !strings.Contains(h.u.keys.problems[0], `approved_keys:1: unsupported option "no-pty"`) {
			t.Errorf("problems shown: %q", h.u.keys.problems)
		}
		if len(h.u.keys.rows) != 1 || !strings.Contains(h.u.keys.rows[0].label.Text, "from 10.0.0.0/8") {
			t.Errorf("rows: %d", len(h.u.keys.rows))
		}
	})
}
