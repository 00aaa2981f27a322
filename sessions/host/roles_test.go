//go:build !windows

package host

import (
	"bytes"
	"strings"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/terminal/vt"
)

// bottomRow returns the last row of an 80x24 terminal fed with b.
func bottomRow(b []byte) string {
	s := vt.New(80, 24, vt.Options{})
	s.Write(b)
	return strings.TrimRight(s.LineText(23), " ")
}

// TestOpenSSHViewOnlyIsTold: an OpenSSH partner who is view only is told so on its
// bottom row at join, once when it first types (and not again for every key), and
// when the host changes its role live; each notice goes away (with a repaint that leaves
// exactly the session's screen, or for the status line it gets once it may type and the
// session is a row shorter, giving way to that line).
func TestOpenSSHViewOnlyIsTold(t *testing.T) {
	h, addr := openSSHHost(t, shellRegistry(t, "main"))
	key := approvedKey(t, h, keys.RoleView)
	p := duettest.RunSSH(t, duettest.SSHArgs(t, addr, key, "main"), false)
	p.Out.WaitUntil(t, "the view-only notice at join", func(b []byte) bool {
		return strings.HasPrefix(bottomRow(b), " "+noticeViewOnly[:60])
	})
	p.Type(t, "x")
	p.Out.WaitUntil(t, "the notice at the first key", func(b []byte) bool {
		return strings.HasPrefix(bottomRow(b), " "+noticeTyped[:60])
	})
	p.Type(t, "yz\r")
	p.Type(t, "more keys\r")
	ps := h.Partners()
	if len(ps) != 1 {
		t.Fatalf("partners %+v, want one", ps)
	}
	duettest.Poll(t, "the keys to reach the host, which drops them", func() bool {
		return droppedInput(h, ps[0].Fingerprint) == int64(len("xyz\rmore keys\r"))
	})
	if len(ps) != 1 || !ps[0].ReadOnly {
		t.Fatalf("partners %+v, want one view only", ps)
	}
	h.SetRole(ps[0].Fingerprint, keys.RoleType)
	p.Out.WaitUntil(t, "the notice that the partner can type", func(b []byte) bool {
		return strings.HasPrefix(bottomRow(b), " "+noticeCanTypeNw)
	})
	if n := bytes.Count(p.Out.Bytes(), []byte(noticeTyped[:60])); n != 1 {
		t.Errorf("told %d times that typing is not sent, want once for a burst of keys", n)
	}
	if strings.Contains(h.Sessions.Default().Screen().Text(), "more keys") {
		t.Error("a view-only partner's keys reached the session")
	}
	// Now that it may type, its terminal has a status line (the session a row less), and
	// the notice gives way to it.
	p.Out.WaitUntil(t, "the status line after the notice", func(b []byte) bool {
		screen, status := duettest.ScreenAndStatus(b, 80, 24)
		return screen == h.Sessions.Default().Screen().Text() && strings.HasPrefix(status, "duet main │")
	})
	h.SetRole(ps[0].Fingerprint, keys.RoleView)
	p.Out.WaitUntil(t, "the notice that the partner is view only now", func(b []byte) bool {
		return strings.HasPrefix(bottomRow(b), " "+noticeViewNow)
	})
}
