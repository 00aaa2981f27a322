package app

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
)

// staleHostKey puts another key on file for the window's host, as if it had made a new
// key since the last join, and returns what known_hosts then holds.
func (h *harness) staleHostKey() (stale string, file string) {
	h.t.Helper()
	old := duettest.PublicKey(h.t)
	known := h.store.KnownHosts()
	if err := known.Add(h.hostAddr(), old); err != nil {
		h.t.Fatal(err)
	}
	return keys.Fingerprint(old), h.knownHosts()
}

// hostPublicKey is the window's host key.
func (h *harness) hostPublicKey() ssh.PublicKey {
	var k ssh.PublicKey
	h.ui(func() { k = h.u.hosting.hostKey.Signer.PublicKey() })
	return k
}

// knownHosts is what the window's known_hosts file holds.
func (h *harness) knownHosts() string {
	b, err := os.ReadFile(h.store.KnownHosts().Path())
	if err != nil && !os.IsNotExist(err) {
		h.t.Fatal(err)
	}
	return string(b)
}

// TestChangedHostKeyCanBeForgotten: a changed host key is refused with both fingerprints
// on show (selectable), and "Forget this host" forgets the stored key and joins again,
// asking about the new key as for a host never seen.
func TestChangedHostKeyCanBeForgotten(t *testing.T) {
	h := newHarness(t, options{})
	stale, before := h.staleHostKey()
	var current string
	h.ui(func() { current = h.u.share.info.Fingerprint })
	h.paste(h.hostAddr())
	h.waitFor("the changed-key warning", func() bool { return h.u.hostKeyDlg != nil })
	h.ui(func() {
		d := h.u.hostKeyDlg
		for _, want := range []string{"offered: " + current, "stored: " + stale, "has changed"} {
			if !strings.Contains(d.text, want) {
				t.Errorf("the warning lacks %q:\n%s", want, d.text)
			}
		}
		if d.action.Text != "Forget this host" {
			t.Errorf("the action is %q", d.action.Text)
		}
		if h.joined() != nil || h.u.trustDlg != nil {
			t.Error("an entry or a trust question came with the warning")
		}
		if h.knownHosts() != before {
			t.Error("known_hosts changed before the user chose")
		}
		test.Tap(d.cancel)
	})
	if h.knownHosts() != before {
		t.Fatal("Cancel changed known_hosts")
	}

	// Again, and forget: the join starts over and asks about the new key.
	h.ui(func() { h.u.hostKeyDlg = nil })
	h.paste(h.hostAddr())
	h.waitFor("the changed-key warning", func() bool { return h.u.hostKeyDlg != nil })
	h.ui(func() { test.Tap(h.u.hostKeyDlg.action) })
	h.waitFor("the question about the new key", func() bool { return h.u.trustDlg != nil })
	if h.knownHosts() != "" {
		t.Errorf("known_hosts after Forget: %q, want the stale entry gone", h.knownHosts())
	}
	h.ui(func() { test.Tap(h.u.trustDlg.trust) })
	h.waitApproval(1)
	if err := h.store.KnownHosts().Check(h.hostAddr(), nil, h.hostPublicKey()); err != nil {
		t.Errorf("the new key was not saved: %v", err)
	}
}

// TestInviteWithNewHostKeyReplacesOnlyWhenConfirmed: an invite pinning the host's new
// key replaces the stored one only after the user says so; Cancel keeps it and offers
// Retry.
func TestInviteWithNewHostKeyReplacesOnlyWhenConfirmed(t *testing.T) {
	h := newHarness(t, options{})
	stale, before := h.staleHostKey()
	var invite, current string
	h.ui(func() { invite, current = h.u.share.info.Invites[0], h.u.share.info.Fingerprint })
	h.paste(invite)
	h.waitFor("the question about the invite's key", func() bool { return h.u.hostKeyDlg != nil })
	h.ui(func() {
		d := h.u.hostKeyDlg
		for _, want := range []string{"invite: " + current, "stored: " + stale} {
			if !strings.Contains(d.text, want) {
				t.Errorf("the question lacks %q:\n%s", want, d.text)
			}
		}
		h.u.joinDlg = nil
		test.Tap(d.cancel)
	})
	h.waitFor("the join dialog with why", func() bool { return h.u.joinDlg != nil && h.u.joinDlg.failed.Visible() })
	h.ui(func() {
		if !strings.Contains(h.u.joinDlg.failed.Text, "kept the stored key") || h.u.joinDlg.join.Text != "Retry" {
			t.Errorf("the dialog says %q, button %q", h.u.joinDlg.failed.Text, h.u.joinDlg.join.Text)
		}
	})
	if h.knownHosts() != before {
		t.Fatal("known_hosts changed though the user kept the stored key")
	}

	// Retry, and replace: joined without another question.
	h.ui(func() {
		h.u.hostKeyDlg = nil
		test.Tap(h.u.joinDlg.join)
	})
	h.waitFor("the question about the invite's key", func() bool { return h.u.hostKeyDlg != nil })
	h.ui(func() { test.Tap(h.u.hostKeyDlg.action) })
	h.waitApproval(1)
	if err := h.store.KnownHosts().Check(h.hostAddr(), nil, h.hostPublicKey()); err != nil {
		t.Errorf("the invite's key was not saved: %v", err)
	}
	if n := strings.Count(h.knownHosts(), "\n"); n != 1 {
		t.Errorf("known_hosts holds %d lines, want the invite's key only:\n%s", n, h.knownHosts())
	}
	h.ui(func() {
		if h.u.trustDlg != nil {
			t.Error("asked to trust a key the invite pins")
		}
	})
}
