package app

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/join"
)

// otherHost hosts a shell on loopback for a window to join, as another person's Duet
// would, letting every key in; it returns the session's invite.
func otherHost(t *testing.T) string {
	t.Helper()
	store := keys.NewStore(t.TempDir())
	allow := func(context.Context, host.ApprovalRequest) host.Decision {
		return host.Decision{Answer: host.AllowOnce, Role: keys.RoleType}
	}
	h, err := startHosting(store, "127.0.0.1:0", allow, 0, 0, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.shutdown(slog.New(slog.DiscardHandler)) })
	if _, err := h.start("main", "", sessions.SizeSmallest, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	return join.Share(h.addr, "main", h.hostKey.Fingerprint()).Invites[0]
}

// TestOpenedToJoinHostsNothing: a window opened with an invite (a clicked duet:// link)
// joins it and shares nothing of this computer, whatever the settings say.
func TestOpenedToJoinHostsNothing(t *testing.T) {
	invite := otherHost(t)
	h := newHarness(t, options{join: invite})
	h.waitFor("the joined session", func() bool {
		e := h.joined()
		return e != nil && e.state == "joined"
	})
	h.ui(func() {
		if h.u.hosting != nil || len(h.u.entries) != 1 {
			t.Errorf("hosting %v with %d entries: the window shares something it was not asked to", h.u.hosting != nil, len(h.u.entries))
		}
		if !h.u.settings.HostOnStart {
			t.Error("the setting to host at start was changed")
		}
		test.Type(h.joined().term, "echo there-$((4*5))\r")
	})
	h.waitFor("the joined shell's answer", func() bool {
		return strings.Contains(h.joined().term.Screen().Text(), "there-20")
	})
}

// TestOpenedToJoinABadInvite keeps it in the Join dialog with why, and hosts nothing.
func TestOpenedToJoinABadInvite(t *testing.T) {
	h := newHarness(t, options{join: "duet://main@127.0.0.1:99999/#SHA256:x"})
	h.waitFor("the join dialog", func() bool { return h.u.joinDlg != nil })
	h.ui(func() {
		if h.u.joinDlg.addr.Text != "duet://main@127.0.0.1:99999/#SHA256:x" || !h.u.joinDlg.failed.Visible() {
			t.Errorf("the dialog shows %q, failure shown %v", h.u.joinDlg.addr.Text, h.u.joinDlg.failed.Visible())
		}
		if h.u.hosting != nil || len(h.u.entries) != 0 {
			t.Error("the window hosts after a bad invite")
		}
	})
}
