//go:build !windows

package app

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/sshdtest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/join"
)

// keepAwayFromUserKeys keeps the window's relay login to its Duet key: no ~/.ssh, no
// ssh-agent.
func keepAwayFromUserKeys(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("SSH_AUTH_SOCK", "")
}

// relayLines waits until the relay listens and the share panel shows its ssh line and
// invite for the session main; it returns them.
func (h *harness) relayLines() (sshLine, invite string) {
	h.t.Helper()
	h.waitFor("the relay's join lines", func() bool {
		wr := h.u.relay
		if wr == nil || wr.status.State != join.RelayListening {
			return false
		}
		sshLine = wr.status.SSHCommand("main")
		invite = wr.status.Invite("main", h.u.hosting.hostKey.Fingerprint())
		return h.u.share.row(sshLine) != nil && h.u.share.row(invite) != nil &&
			strings.HasPrefix(h.u.share.relayState.Text, "Relay listening on 127.0.0.1:")
	})
	return sshLine, invite
}

// TestRelaySetting: the relay typed into the share panel asks about the relay's key,
// then shows the relay's ssh line and invite; a partner joins with that invite through
// a real OpenSSH sshd and is approved as a direct one; Off removes the lines.
func TestRelaySetting(t *testing.T) {
	keepAwayFromUserKeys(t)
	h := newHarness(t, options{})
	id, err := h.store.LoadOrCreateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	srv := sshdtest.Start(t, sshdtest.Options{Forwarding: true, Authorized: []ssh.PublicKey{id.PublicKey()}})
	server := srv.User + "@" + srv.Addr

	h.ui(func() {
		h.u.share.relayEntry.SetText(server)
		test.Tap(h.u.share.relayButton)
	})
	h.waitFor("the relay's host-key question", func() bool { return h.u.trustDlg != nil })
	h.ui(func() {
		if h.u.trustDlg.trust.Text != "Trust and relay" {
			t.Errorf("the relay's key question says %q", h.u.trustDlg.trust.Text)
		}
		if h.u.share.relayButton.Text != "Off" || !h.u.share.relayEntry.Disabled() {
			t.Errorf("while the relay starts: button %q, entry disabled %v", h.u.share.relayButton.Text, h.u.share.relayEntry.Disabled())
		}
		test.Tap(h.u.trustDlg.trust)
	})
	sshLine, invite := h.relayLines()
	if !strings.HasPrefix(sshLine, "ssh -p ") || !strings.HasSuffix(sshLine, " main@127.0.0.1") {
		t.Errorf("relay ssh line %q", sshLine)
	}
	if got := loadSettings(h.store, slog.New(slog.DiscardHandler)).Relay; got != server {
		t.Errorf("settings.json has relay %q, want %q", got, server)
	}

	// A partner joins through the relay with the invite, approved like any partner.
	p := h.joinAt(keys.NewStore(t.TempDir()), invite)
	h.waitApproval(1)
	h.ui(func() { test.Tap(h.u.approvals.once) })
	<-p.dialed
	if p.connection() == nil {
		t.Fatalf("joining through the relay: %v", p.err)
	}
	h.waitFor("the partner through the relay", func() bool { return h.u.entries[0].partners == 1 })

	h.ui(func() { test.Tap(h.u.share.relayButton) })
	h.waitFor("the relay's lines to go", func() bool {
		s := h.u.share
		return h.u.relay == nil && s.row(sshLine) == nil && s.row(invite) == nil && len(s.relayLines) == 0 &&
			s.relayButton.Text == "On" && !s.relayEntry.Disabled() && s.row(s.info.SSHLines[0]) != nil
	})
	if got := loadSettings(h.store, slog.New(slog.DiscardHandler)).Relay; got != "" {
		t.Errorf("settings.json still has relay %q after Off", got)
	}
	p.ended(t) // closing the relay cuts the partners who came through it
}

// TestRelayStartsWithWindow: a relay in the settings starts with the window; a relay
// already in known_hosts is not asked about.
func TestRelayStartsWithWindow(t *testing.T) {
	keepAwayFromUserKeys(t)
	srv := sshdtest.Start(t, sshdtest.Options{Forwarding: true})
	h := newHarness(t, options{setup: func(store *keys.Store) {
		id, err := store.LoadOrCreateIdentity()
		if err != nil {
			t.Fatal(err)
		}
		srv.Authorize(t, id.PublicKey())
		if err := store.KnownHosts().Add(srv.Addr, srv.HostKey); err != nil {
			t.Fatal(err)
		}
		s := defaultSettings()
		s.Relay = srv.User + "@" + srv.Addr
		if err := s.save(store); err != nil {
			t.Fatal(err)
		}
	}})
	h.relayLines()
	h.ui(func() {
		if h.u.trustDlg != nil {
			t.Error("asked about a relay already in known_hosts")
		}
		if h.u.share.relayEntry.Text != srv.User+"@"+srv.Addr || h.u.share.relayButton.Text != "Off" {
			t.Errorf("share panel: entry %q, button %q", h.u.share.relayEntry.Text, h.u.share.relayButton.Text)
		}
	})
}

func TestRelayLine(t *testing.T) {
	for _, tc := range []struct {
		st   join.RelayStatus
		want string
	}{
		{join.RelayStatus{State: join.RelayConnecting, Server: "relay:22"}, "Connecting to relay:22…"},
		{join.RelayStatus{State: join.RelayListening, Host: "relay", Port: 40123, Public: true}, "Relay listening on relay:40123"},
		{join.RelayStatus{State: join.RelayRetrying, Delay: 1500 * time.Millisecond, Err: errors.New("connection refused")},
			"Retrying in 2 s: connection refused"},
		{join.RelayStatus{State: join.RelayStopped}, "Relay stopped"},
	} {
		if got := relayLine(tc.st); got != tc.want {
			t.Errorf("relayLine(%v) = %q, want %q", tc.st, got, tc.want)
		}
	}
}
