package app

import (
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/wire"
)

// hostile is a user name or key comment that would clear a terminal, break a label's
// line, and reverse the text after it.
const hostile = "\x1b[2J\x1b[H\nmallory\u202etxt.exe\u009b"

// plain reports whether s is one line of printable text.
func plain(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r != ' ' && !unicode.IsPrint(r) })
}

// Attack: a partner's user name (from which the session asked for is derived) and key
// comment carry control characters. The dialog, the notification, the partners panel
// and the keys list show them escaped, on one line.
func TestWindowShowsPartnerTextEscaped(t *testing.T) {
	h := newHarness(t, options{})
	key := duettest.Signer(t)
	go func() {
		client, err := ssh.Dial("tcp", h.hostAddr(), &ssh.ClientConfig{
			User: hostile, Auth: duettest.KeyAuth(key),
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: duettest.Timeout,
		})
		if err != nil {
			return
		}
		defer client.Close()
		if s, err := client.NewSession(); err == nil && s.RequestPty("xterm", 24, 80, nil) == nil && s.Shell() == nil {
			s.Wait()
		}
	}()
	h.waitApproval(1)
	h.ui(func() {
		a := h.u.approvals
		// The user name names no session: the question says so, and which one it gets.
		if !strings.HasSuffix(a.session.Text, "which does not exist; would join main") {
			t.Errorf("the dialog shows session %q, want the one it would join", a.session.Text)
		}
		for _, l := range []string{a.fp.Text, a.keyType.Text, a.remote.Text, a.session.Text} {
			if !plain(l) {
				t.Errorf("the dialog shows %q", l)
			}
		}
		a.name.SetText(hostile) // Always allow needs a name: the host pastes the partner's
		test.Tap(a.always)
	})
	for _, n := range h.a.sent() {
		if !plain(n.Content) {
			t.Errorf("the notification says %q", n.Content)
		}
	}
	h.waitFor("the partner in the partners panel", func() bool { return len(h.u.partners.rows) == 1 })
	h.ui(func() {
		r := h.u.partners.rows[0]
		if !plain(r.name.Text) || !strings.Contains(r.name.Text, `\033[2J\033[H\012mallory`) {
			t.Errorf("the partners panel names the partner %q", r.name.Text)
		}
		test.Tap(h.u.list.keys)
		rows := h.u.keys.rows
		if len(rows) != 1 || strings.ContainsAny(rows[0].label.Text, "\x1b\u202e\u009b") {
			t.Errorf("the keys list shows %+v", rows)
		}
	})
}

// The names the window shows for partners, through the one function that makes them.
func TestPartnerNameEscapes(t *testing.T) {
	k := duettest.PublicKey(t)
	p := host.Partner{Fingerprint: keys.Fingerprint(k), User: hostile, Remote: "192.0.2.1:5000"}
	if got := partnerName(p); !plain(got) || got != "a partner from 192.0.2.1" {
		t.Errorf("partnerName = %q", got)
	}
	p.Name = wire.CleanName("bob\x1b]52;c;aGk=\x07") // the host cleans the names it gives
	if got := partnerName(p); got != `bob\033]52;c;aGk=\007` {
		t.Errorf("partnerName with a name = %q", got)
	}
	if got := sessionOf(host.ApprovalRequest{Session: hostile}); !plain(got) {
		t.Errorf("sessionOf = %q", got)
	}
	if got := sentence("", errorString("the host refused: \x1b[2J\ngone")); !plain(got) {
		t.Errorf("sentence = %q", got)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
