//go:build !windows

package sessions

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/duetpair/duet/internal/duettest"
)

// participant returns the participant id of s, or fails.
func participant(t *testing.T, s *Session, id string) Participant {
	t.Helper()
	for _, p := range s.Participants() {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no participant %s in %+v", id, s.Participants())
	return Participant{}
}

// TestOneDriverAtATime: with the mode on, only the driver's keys reach the program; a
// partner asks, the host gives, the host takes back at once; a driver who leaves hands
// control back to the host.
func TestOneDriverAtATime(t *testing.T) {
	s := startSession(t, Options{}, "")
	host, hostOut, _ := attach(t, s, AttachOptions{Name: "window", Host: true, Cols: 80, Rows: 24})
	alice, _, _ := attach(t, s, AttachOptions{Name: "Alice", Fingerprint: "SHA256:alice", Cols: 80, Rows: 24})
	viewer, _, _ := attach(t, s, AttachOptions{Name: "Carol", Fingerprint: "SHA256:carol", ReadOnly: true, Cols: 80, Rows: 24})
	s.SetHostName("Bob")
	s.SetOneDriver(true)
	if on, d := s.OneDriver(); !on || d != HostID {
		t.Fatalf("OneDriver() = %v, %q; want on, the host", on, d)
	}
	io.WriteString(alice, "echo alice-$((1+1))\r")
	io.WriteString(host, "echo host-$((2+2))\r")
	hostOut.WaitFor(t, "host-4")
	if strings.Contains(hostOut.String(), "alice-2") {
		t.Fatal("a navigator's keys reached the program")
	}
	if s.AskToDrive("SHA256:carol") {
		t.Error("a view-only participant asked to drive")
	}
	if !s.AskToDrive("SHA256:alice") || s.AskToDrive("SHA256:alice") {
		t.Error("the first ask is news, the second not")
	}
	if p := participant(t, s, "SHA256:alice"); !p.Asking || p.Driving {
		t.Errorf("Alice is %+v; want asking", p)
	}
	if err := s.GiveDrive("SHA256:alice", "SHA256:alice"); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("a navigator gave itself control: %v", err)
	}
	if err := s.GiveDrive(HostID, "SHA256:carol"); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("control given to a view-only participant: %v", err)
	}
	if err := s.GiveDrive(HostID, "SHA256:alice"); err != nil {
		t.Fatal(err)
	}
	if p := participant(t, s, "SHA256:alice"); p.Asking || !p.Driving || !alice.Drives() || host.Drives() {
		t.Errorf("after giving: Alice %+v, drives %v, host drives %v", p, alice.Drives(), host.Drives())
	}
	io.WriteString(host, "echo host-typed-$((3+3))\r")
	io.WriteString(alice, "echo alice-$((4+4))\r")
	hostOut.WaitFor(t, "alice-8")
	if strings.Contains(hostOut.String(), "host-typed-6") {
		t.Error("the host's keys reached the program while Alice drove")
	}
	// The host takes it back: from now on Alice's keys are dropped.
	if err := s.GiveDrive(HostID, HostID); err != nil {
		t.Fatal(err)
	}
	io.WriteString(alice, "echo alice-again-$((5+5))\r")
	io.WriteString(host, "echo host-back-$((6+6))\r")
	hostOut.WaitFor(t, "host-back-12")
	if strings.Contains(hostOut.String(), "alice-again-10") {
		t.Error("Alice typed after the host took control back")
	}
	// The driver leaves: the host drives again.
	s.GiveDrive(HostID, "SHA256:alice")
	alice.Detach()
	if _, d := s.OneDriver(); d != HostID {
		t.Errorf("driver %q after it left", d)
	}
	s.SetOneDriver(false)
	if !viewer.Drives() || !host.Drives() {
		t.Error("with the mode off everyone drives (view only aside)")
	}
}

// TestTypingShown: a keystroke makes its participant typing, and says so (Changed); it
// stops a few seconds later.
func TestTypingShown(t *testing.T) {
	s := startSession(t, Options{}, "")
	alice, _, _ := attach(t, s, AttachOptions{Name: "Alice", Fingerprint: "SHA256:alice", Cols: 80, Rows: 24})
	if participant(t, s, "SHA256:alice").Typing {
		t.Fatal("typing before any key")
	}
	changed := s.Changed()
	io.WriteString(alice, "x")
	select {
	case <-changed:
	case <-time.After(duettest.Timeout):
		t.Fatal("the first key was not news")
	}
	if !participant(t, s, "SHA256:alice").Typing {
		t.Error("not typing after a key")
	}
	alice.typedAt.Add(-int64(2 * TypingFor)) // as if typed a while ago
	if participant(t, s, "SHA256:alice").Typing {
		t.Error("still typing long after the key")
	}
}

// TestChatBounds: chat lines are cut to MaxChatBytes without breaking a character, a
// participant's rate is bounded, only the latest lines are kept; points must be on the
// screen and are bounded too; the call link must be a web address.
func TestChatBounds(t *testing.T) {
	s := startSession(t, Options{Cols: 80, Rows: 24}, "exec sleep 600")
	long := strings.Repeat("é", MaxChatBytes)
	if err := s.Say("SHA256:alice", "Alice", long); err != nil {
		t.Fatal(err)
	}
	got := s.Pairing().Chat
	if len(got) != 1 || len(got[0].Text) > MaxChatBytes || !utf8.ValidString(got[0].Text) || got[0].Seq != 1 {
		t.Fatalf("a long line: %d lines, %d bytes", len(got), len(got[0].Text))
	}
	n := 1
	for ; n < 50; n++ {
		if err := s.Say("SHA256:alice", "Alice", "spam"); err != nil {
			if !errors.Is(err, ErrTooFast) {
				t.Fatal(err)
			}
			break
		}
	}
	if n != chatBurst {
		t.Errorf("%d lines allowed at once, want %d", n, chatBurst)
	}
	if err := s.Say("SHA256:bob", "Bob", "hi"); err != nil {
		t.Errorf("one participant's flood silenced another: %v", err)
	}
	for i := range chatKept + 10 {
		s.limits = rateLimits{}
		s.Say(HostID, "host", "line")
		_ = i
	}
	if c := s.Pairing().Chat; len(c) != chatKept || c[len(c)-1].Seq <= uint64(chatKept) {
		t.Errorf("kept %d lines (last seq %d)", len(c), c[len(c)-1].Seq)
	}
	if err := s.PointAt("SHA256:alice", "Alice", 80, 3); err == nil {
		t.Error("a point off the screen was taken")
	}
	for i := range pointBurst {
		if err := s.PointAt("SHA256:alice", "Alice", i, 3); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PointAt("SHA256:alice", "Alice", 1, 1); !errors.Is(err, ErrTooFast) {
		t.Errorf("points beyond the burst: %v", err)
	}
	for _, bad := range []string{"javascript:alert(1)", "file:///etc/passwd", "https://x y", "https://x\x1b[2J",
		"https://" + strings.Repeat("a", MaxCallBytes), "meet.jit.si/x"} {
		if err := s.SetCall(bad); err == nil {
			t.Errorf("call link %q taken", bad)
		}
	}
	if err := s.SetCall("https://meet.jit.si/duet-pair"); err != nil || s.Call() != "https://meet.jit.si/duet-pair" {
		t.Errorf("SetCall: %v, %q", err, s.Call())
	}
}

// TestRateLimitsBounded: the rate of any number of participants is tracked in bounded
// memory.
func TestRateLimitsBounded(t *testing.T) {
	var r rateLimits
	for i := range 10 * maxLimited {
		r.allow(strings.Repeat("x", i%50)+string(rune('a'+i%26))+strings.Repeat("y", i/26), "chat", time.Second, 5)
	}
	if len(r.buckets) > maxLimited {
		t.Errorf("%d buckets kept", len(r.buckets))
	}
}

// TestInChat: someone with only the chat open is here, once, until the last of their
// chats closes; attached too, they are counted by their terminal; they cannot be given
// control without one.
func TestInChat(t *testing.T) {
	s := startSession(t, Options{}, "")
	s.SetOneDriver(true)
	leave1 := s.InChat("SHA256:dan", "Dan", false)
	leave2 := s.InChat("SHA256:dan", "Dan", false)
	if p := s.Participants(); len(p) != 2 || !p[1].ChatOnly || p[1].Name != "Dan" || p[1].Clients != 0 {
		t.Fatalf("participants %+v", p)
	}
	if err := s.GiveDrive(HostID, "SHA256:dan"); err == nil {
		t.Error("control was given to someone with no terminal")
	}
	c, _, _ := attach(t, s, AttachOptions{Name: "Dan", Fingerprint: "SHA256:dan", Cols: 80, Rows: 24})
	if p := s.Participants(); len(p) != 2 || p[1].ChatOnly || p[1].Clients != 1 {
		t.Fatalf("participants with Dan attached %+v", p)
	}
	c.Detach()
	leave1()
	leave1() // once only
	if p := s.Participants(); len(p) != 2 || !p[1].ChatOnly {
		t.Fatalf("participants with one chat left %+v", p)
	}
	leave2()
	if p := s.Participants(); len(p) != 1 {
		t.Fatalf("participants after the chats closed %+v", p)
	}
}
