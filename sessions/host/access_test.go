//go:build !windows

package host

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
)

// typedNothing checks that what p typed after the host dropped want bytes of it never
// reached the shell: once the host counted them dropped, the host's own window types a
// marker, and the shell's output up to the marker holds none of result.
func typedNothing(t *testing.T, h *Server, fp string, dropped int64, host io.Writer, hostOut *duettest.Output, results ...string) {
	t.Helper()
	duettest.Poll(t, "the host to drop the partner's input", func() bool { return droppedInput(h, fp) >= dropped })
	io.WriteString(host, "echo marker-$((3*3))\r")
	out := string(hostOut.WaitFor(t, "marker-9"))
	for _, r := range results {
		if strings.Contains(out, r) {
			t.Fatalf("input typed after the demotion reached the shell (%q)", r)
		}
	}
}

// typingPartner joins the host at addr with a new key (which the host lets type) and
// shows that it types; it returns the key, its fingerprint and the partner.
func typingPartner(t *testing.T, addr string) (ssh.Signer, string, *partner) {
	t.Helper()
	key := duettest.Signer(t)
	p := join(t, addr, "main", key, "", true)
	io.WriteString(p.stdin, "echo typed-$((6*7))\r")
	p.out.WaitFor(t, "typed-42")
	return key, keys.Fingerprint(key.PublicKey()), p
}

// droppedInput returns how many bytes the host dropped of what the key fp typed.
func droppedInput(h *Server, fp string) int64 {
	var n int64
	for _, c := range h.connsOf(fp) {
		n += c.dropped.Load()
	}
	return n
}

// Attack: the host unticks "Can type"; the partner opens a second session over the same
// connection, or reconnects, and types again. The role is the key's: every channel and
// connection of it is view only, also one made after the change, and no question is
// asked again.
func TestDemotionHoldsOnEveryChannelAndReconnect(t *testing.T) {
	for _, saved := range []bool{false, true} {
		name := map[bool]string{false: "allowed once", true: "saved"}[saved]
		t.Run(name, func(t *testing.T) {
			answer := Decision{Answer: AllowOnce, Role: keys.RoleType}
			if saved {
				answer.Answer = AllowAlways
			}
			a := &approver{answer: answer}
			h, addr := hostWithShell(t, &Server{Approve: a.approve})
			hostIn, hostOut := attachHost(t, h.Sessions.Default())
			key, fp, p := typingPartner(t, addr)

			if err := h.SetRole(fp, keys.RoleView); err != nil {
				t.Fatal(err)
			}
			line := "echo first-$((1+1))\r"
			io.WriteString(p.stdin, line)
			second := startShell(t, p.client) // the same connection
			second.out.WaitFor(t, "$ ")
			io.WriteString(second.stdin, "echo second-$((2+2))\r")
			again := join(t, addr, "main", key, "", true) // a new connection
			again.out.WaitFor(t, "$ ")
			io.WriteString(again.stdin, "echo again-$((3+3))\r")
			typedNothing(t, h, fp, int64(3*len(line)), hostIn, hostOut, "first-2", "second-4", "again-6")

			if a.calls() != 1 {
				t.Errorf("the host was asked %d times, want once", a.calls())
			}
			for _, ps := range h.Partners() {
				if !ps.ReadOnly {
					t.Errorf("partner %+v can still type", ps)
				}
			}
			role, _, ok := h.Approved.Lookup(key.PublicKey())
			if ok != saved || (saved && role != keys.RoleView) {
				t.Errorf("approved_keys has the key: %v, role %v; want saved %v with view", ok, role, saved)
			}
		})
	}
}

// Attack: keep typing while the host kicks you. Nothing typed after Kick returns
// reaches the shell, on the open channel or a new one, though the connection stays a
// moment to show its message.
func TestKickStopsInputAtOnce(t *testing.T) {
	a := &approver{answer: Decision{Answer: AllowAlways, Role: keys.RoleType}}
	h, addr := hostWithShell(t, &Server{Approve: a.approve})
	hostIn, hostOut := attachHost(t, h.Sessions.Default())
	_, fp, p := typingPartner(t, addr)
	if n := h.Kick(fp, "[duet: bye]"); n != 1 {
		t.Fatalf("kicked %d connections", n)
	}
	line := "echo after-$((2+3))\r"
	_, err := io.WriteString(p.stdin, line)
	var sent int64
	if err == nil {
		sent = int64(len(line))
	}
	if s, err := p.client.NewSession(); err == nil {
		s.Stdin = strings.NewReader("echo newchan-$((3+4))\r")
		s.Shell()
	}
	typedNothing(t, h, fp, sent, hostIn, hostOut, "after-5", "newchan-7")
	p.wait(t)
	if !strings.Contains(p.out.String(), "[duet: bye]") {
		t.Errorf("no kick message in %q", duettest.Tail(p.out.Bytes(), 200))
	}
}

// Attack on a headless host: the host changes approved_keys (by hand, duet approve
// --read-only, duet revoke) while the partner is connected. Within a second the partner
// is view only on every channel, then disconnected when its key is removed.
func TestApprovedKeysEditsApplyToLivePartners(t *testing.T) {
	path := filepath.Join(t.TempDir(), "approved_keys")
	h, addr := hostWithShell(t, &Server{Approved: keys.NewApproved(path)})
	other := keys.NewApproved(path) // another process: duet approve, duet revoke
	key := duettest.Signer(t)
	fp := keys.Fingerprint(key.PublicKey())
	if err := other.Add(key.PublicKey(), keys.RoleType, "bob"); err != nil {
		t.Fatal(err)
	}
	hostIn, hostOut := attachHost(t, h.Sessions.Default())
	p := join(t, addr, "main", key, "", true)
	io.WriteString(p.stdin, "echo typed-$((6*7))\r")
	p.out.WaitFor(t, "typed-42")
	second := startShell(t, p.client)
	second.out.WaitFor(t, "$ ")

	start := time.Now()
	if err := other.Add(key.PublicKey(), keys.RoleView, ""); err != nil {
		t.Fatal(err)
	}
	duettest.Poll(t, "the demotion to apply", func() bool {
		ps := h.Partners()
		return len(ps) == 2 && ps[0].ReadOnly && ps[1].ReadOnly
	})
	t.Logf("demoted %v after the file changed", time.Since(start).Round(time.Millisecond))
	line := "echo viewer-$((1+1))\r"
	io.WriteString(p.stdin, line)
	io.WriteString(second.stdin, "echo viewer2-$((2+2))\r")
	typedNothing(t, h, fp, int64(2*len(line)), hostIn, hostOut, "viewer-2", "viewer2-4")

	start = time.Now()
	if removed, err := other.Remove(fp); err != nil || !removed {
		t.Fatalf("Remove = %v, %v", removed, err)
	}
	p.wait(t)
	t.Logf("disconnected %v after the key was removed", time.Since(start).Round(time.Millisecond))
	if !strings.Contains(p.out.String(), "revoked access for key "+fp) {
		t.Errorf("no revocation message in %q", duettest.Tail(p.out.Bytes(), 200))
	}
}

// Attack: a partner says its terminal is enormous. The size is bounded, so a repaint
// stays cheap.
func TestPartnerTerminalSizeIsBounded(t *testing.T) {
	key := duettest.Signer(t)
	h, addr := hostWithShell(t, &Server{})
	if err := h.Approved.Add(key.PublicKey(), keys.RoleType, ""); err != nil {
		t.Fatal(err)
	}
	client, err := dial(t, addr, "main", key)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm", 1<<20, 1<<20, nil); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	s := h.Sessions.Default()
	duettest.Poll(t, "the partner to attach", func() bool { return len(s.Clients()) == 1 })
	duettest.Poll(t, "the session to take the partner's size", func() bool {
		cols, rows := s.Size()
		return cols == sessions.MaxCols && rows == sessions.MaxRows-1 // a row for the status line
	})
}
