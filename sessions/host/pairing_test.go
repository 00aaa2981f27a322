//go:build !windows

package host

import (
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// window is a Duet window's session channel, as sessions/join opens it: hello, then a
// terminal and the shell; it keeps the pair messages the host sends.
type window struct {
	ch  ssh.Channel
	out *duettest.Output

	mu   sync.Mutex
	msgs []wire.Message
}

func openWindow(t *testing.T, addr string, signer ssh.Signer) *window {
	t.Helper()
	return openWindowSized(t, addr, signer, 80, 24, false)
}

// openWindowSized opens a window's channel with a terminal of cols x rows; sized asks
// for size marks in the output first (wire.SizedRequest), as the window does.
func openWindowSized(t *testing.T, addr string, signer ssh.Signer, cols, rows int, sized bool) *window {
	t.Helper()
	client, err := dial(t, addr, "main", signer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	ch, reqs, err := client.OpenChannel("session", nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &window{ch: ch, out: &duettest.Output{}}
	go func() {
		for req := range reqs {
			if req.Type == wire.PairRequest {
				if m, err := wire.ParseMessage(req.Payload); err == nil {
					w.mu.Lock()
					w.msgs = append(w.msgs, m)
					w.mu.Unlock()
				}
			}
			if req.WantReply {
				req.Reply(false, nil)
			}
		}
	}()
	go io.Copy(w.out, ch)
	if sized {
		if _, err := ch.SendRequest(wire.SizedRequest, false, nil); err != nil {
			t.Fatal(err)
		}
	}
	w.send(t, wire.Message{Kind: wire.KindHello})
	pty := ssh.Marshal(&struct {
		Term             string
		Cols, Rows, W, H uint32
		Modes            string
	}{"xterm-256color", uint32(cols), uint32(rows), 0, 0, ""})
	if ok, err := ch.SendRequest("pty-req", true, pty); !ok || err != nil {
		t.Fatalf("pty-req: %v %v", ok, err)
	}
	if ok, err := ch.SendRequest("shell", true, nil); !ok || err != nil {
		t.Fatalf("shell: %v %v", ok, err)
	}
	return w
}

// send sends a pair message and reports whether the host took it.
func (w *window) send(t *testing.T, m wire.Message) bool {
	t.Helper()
	p, err := wire.MarshalMessage(m)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := w.ch.SendRequest(wire.PairRequest, true, p)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// waitFor waits for a pair message ok accepts.
func (w *window) waitFor(t *testing.T, what string, ok func(wire.Message) bool) wire.Message {
	t.Helper()
	var got wire.Message
	duettest.Poll(t, what, func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, m := range w.msgs {
			if ok(m) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

// presenceHas reports whether m is a presence whose people are, in order, names with
// roles ("Bob host", "Alice type").
func presenceHas(m wire.Message, people ...string) bool {
	if m.Kind != wire.KindPresence || len(m.Presence.People) != len(people) {
		return false
	}
	for i, p := range m.Presence.People {
		if p.Name+" "+p.Role != people[i] {
			return false
		}
	}
	return true
}

// statusRow is the bottom row of an 80x24 terminal after b.
func statusRow(b []byte) string {
	_, status := duettest.ScreenAndStatus(b, 80, 24)
	return status
}

// TestDuetWindowPairing: a Duet window (hello) is told who is here, the chat and the
// points as pair messages, and gets no status line; what it says, points at and sets
// reaches the session and the terminals' status lines; a view-only window cannot set
// the call link, and what it says shows escaped.
func TestDuetWindowPairing(t *testing.T) {
	reg := shellRegistry(t, "main")
	h, addr := openSSHHost(t, reg)
	s := reg.Default()
	s.SetHostName("Bob")
	aliceKey := newSignerNamed(t, h, keys.RoleType, "Alice")
	w := openWindow(t, addr, aliceKey)
	carol := join(t, addr, "main", newSignerNamed(t, h, keys.RoleType, "Carol\x1b[2J"), "", true) // types: a view-only terminal as big as the session has no room for a status line
	pr := w.waitFor(t, "the presence of three", func(m wire.Message) bool {
		return presenceHas(m, "Bob host", "Alice type", "Carol [2J type") // the approved list keeps names cleaned
	})
	if pr.Presence.You != keys.Fingerprint(aliceKey.PublicKey()) || pr.Presence.Session != "main" {
		t.Errorf("presence %+v", pr.Presence)
	}

	if !w.send(t, wire.Message{Kind: wire.KindSay, Text: "hi \x1b]52;c;aGk=\x07there"}) {
		t.Fatal("the host refused a chat line")
	}
	w.waitFor(t, "the chat line back, escaped", func(m wire.Message) bool {
		return m.Kind == wire.KindChat && m.Chat[0].Name == "Alice" && m.Chat[0].Text == `hi \033]52;c;aGk=\007there`
	})
	carol.out.WaitUntil(t, "the chat line on the status line, escaped", func(b []byte) bool {
		return strings.Contains(statusRow(b), `Alice: hi \033]52;c;aGk=`) // cut to the width
	})
	if !w.send(t, wire.Message{Kind: wire.KindPoint, Point: &wire.Point{Col: 5, Row: 2}}) {
		t.Fatal("the host refused a point")
	}
	carol.out.WaitUntil(t, "the point", func(b []byte) bool { return statusRow(b) == "duet: Alice points at line 3" })
	w.waitFor(t, "the point back", func(m wire.Message) bool {
		return m.Kind == wire.KindPoint && m.Point.Row == 2 && m.Point.Name == "Alice"
	})
	if w.send(t, wire.Message{Kind: wire.KindPoint, Point: &wire.Point{Col: 5, Row: 500}}) {
		t.Error("a point off the screen was taken")
	}

	const call = "https://meet.jit.si/duet-pair"
	if !w.send(t, wire.Message{Kind: wire.KindCall, Call: call}) || s.Call() != call {
		t.Fatalf("the call link was not set: %q", s.Call())
	}
	w.waitFor(t, "the call in the presence", func(m wire.Message) bool { return m.Kind == wire.KindPresence && m.Presence.Call == call })
	carol.out.WaitUntil(t, "the call on the status line", func(b []byte) bool { return statusRow(b) == "duet: the call: "+call })

	viewer := openWindow(t, addr, newSignerNamed(t, h, keys.RoleView, "Dan"))
	viewer.waitFor(t, "the viewer's presence", func(m wire.Message) bool { return m.Kind == wire.KindPresence })
	if viewer.send(t, wire.Message{Kind: wire.KindCall, Call: "https://evil.example/"}) || s.Call() != call {
		t.Errorf("a view-only window set the call link: %q", s.Call())
	}
	if !viewer.send(t, wire.Message{Kind: wire.KindSay, Text: "a viewer chats too"}) {
		t.Error("a view-only window could not chat")
	}
	if strings.Contains(w.out.String(), "duet main │") {
		t.Error("a Duet window got a status line")
	}
}

// TestOneDriverOverSSH: with one driver at a time, a terminal partner's keys do not
// reach the program and ask for control (it is told); a window that does not drive
// cannot hand control over; once the host gives it, the partner's keys go through, and
// the host takes it back at once.
func TestOneDriverOverSSH(t *testing.T) {
	reg := shellRegistry(t, "main")
	h, addr := openSSHHost(t, reg)
	s := reg.Default()
	s.SetHostName("Bob")
	s.SetOneDriver(true)
	pKey := newSignerNamed(t, h, keys.RoleType, "Pat")
	p := join(t, addr, "main", pKey, "", true)
	pFP := keys.Fingerprint(pKey.PublicKey())
	p.out.WaitUntil(t, "the status line", func(b []byte) bool { return strings.HasPrefix(statusRow(b), "duet main │ Bob (host) drives") })
	io.WriteString(p.stdin, "echo typed-$((20+1))\r")
	p.out.WaitUntil(t, "the notice that typing asked for control", func(b []byte) bool {
		return strings.HasPrefix(statusRow(b), "duet: Bob drives; you asked for control")
	})
	duettest.Poll(t, "Pat to ask", func() bool {
		for _, pt := range s.Participants() {
			if pt.ID == pFP {
				return pt.Asking
			}
		}
		return false
	})
	w := openWindow(t, addr, newSignerNamed(t, h, keys.RoleType, "Alice"))
	w.waitFor(t, "Pat asking in the presence", func(m wire.Message) bool {
		return m.Kind == wire.KindPresence && len(m.Presence.People) == 3 && m.Presence.People[1].Asking && m.Presence.OneDriver
	})
	if w.send(t, wire.Message{Kind: wire.KindDrive, Drive: &wire.Drive{Action: wire.DriveGive, To: pFP}}) {
		t.Error("a window that does not drive handed control over")
	}
	if strings.Contains(s.Screen().Text(), "typed-21") {
		t.Fatal("a navigator's keys reached the program")
	}
	if err := s.GiveDrive(sessions.HostID, pFP); err != nil {
		t.Fatal(err)
	}
	p.out.WaitUntil(t, "the notice that Pat drives", func(b []byte) bool { return statusRow(b) == "duet: you drive now" })
	io.WriteString(p.stdin, "echo driving-$((40+2))\r")
	p.out.WaitFor(t, "driving-42")
	s.GiveDrive(sessions.HostID, sessions.HostID)
	io.WriteString(p.stdin, "echo after-$((1+2))\r")
	p.out.WaitUntil(t, "the notice that Bob drives again", func(b []byte) bool { return statusRow(b) == "duet: Bob drives now" })
	if strings.Contains(s.Screen().Text(), "after-3") {
		t.Error("Pat typed after the host took control back")
	}
}

// TestWhoLists: `who` lists every participant of every session (the host too) with
// role and what they do, and the call link; `who --json` is what Duet windows are told;
// `ls --json` lists the same partners.
func TestWhoLists(t *testing.T) {
	reg := shellRegistry(t, "main")
	h, addr := openSSHHost(t, reg)
	s := reg.Default()
	s.SetHostName("Bob")
	s.SetCall("https://meet.jit.si/duet-pair")
	aliceKey := newSignerNamed(t, h, keys.RoleType, "Alice")
	alice := join(t, addr, "main", aliceKey, "", true)
	join(t, addr, "main", newSignerNamed(t, h, keys.RoleView, "Carol"), "", true)
	duettest.Poll(t, "both partners", func() bool { return len(s.Clients()) == 2 })
	io.WriteString(alice.stdin, "x")
	duettest.Poll(t, "Alice typing", func() bool { return s.Participants()[1].Typing })

	who := join(t, addr, "main", aliceKey, "who", false)
	if status := who.wait(t); status != 0 {
		t.Fatalf("who: exit status %d", status)
	}
	table := who.out.String()
	for _, want := range []string{"SESSION  NAME         ROLE  NOW", "main     Bob          host", "main     Alice (you)  type  typing",
		"main     Carol        view", "call of main: https://meet.jit.si/duet-pair"} {
		if !strings.Contains(table, want) {
			t.Errorf("who has no %q:\n%s", want, table)
		}
	}
	var all []wire.Presence
	whoJSON := join(t, addr, "main", aliceKey, "who --json", false)
	whoJSON.wait(t)
	if err := json.Unmarshal([]byte(jsonPart(whoJSON.out.String())), &all); err != nil {
		t.Fatalf("who --json: %v in %q", err, whoJSON.out.String())
	}
	if len(all) != 1 || len(all[0].People) != 3 || all[0].People[1].Name != "Alice" || !all[0].People[1].Typing ||
		all[0].Call != "https://meet.jit.si/duet-pair" || all[0].People[0].Role != wire.RoleHost {
		t.Errorf("who --json = %+v", all)
	}
	var list []struct {
		Partners []listPartner `json:"partners"`
	}
	ls := join(t, addr, "main", aliceKey, "ls --json", false)
	ls.wait(t)
	if err := json.Unmarshal([]byte(jsonPart(ls.out.String())), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || len(list[0].Partners) != 2 || list[0].Partners[0].Name != "Alice" || !list[0].Partners[0].Typing ||
		list[0].Partners[1].Role != "view" {
		t.Errorf("ls --json partners = %+v", list)
	}
}

// jsonPart is the JSON array in a listing's output (after the host's status lines).
func jsonPart(out string) string {
	return out[strings.IndexByte(out, '[') : strings.LastIndexByte(out, ']')+1]
}

// TestChatTerminal: `ssh -t HOST chat` is a line-mode chat: it shows the latest lines,
// sends what is typed at Enter, prints what others say above the line being typed (a
// hostile line escaped), lists who is here, says when control and the call change,
// bounds the rate, and /quit leaves; without a terminal every line read is said.
func TestChatTerminal(t *testing.T) {
	reg := shellRegistry(t, "main")
	h, addr := openSSHHost(t, reg)
	s := reg.Default()
	s.SetHostName("Bob")
	s.Say(sessions.HostID, "Bob", "before you came")
	key := namedKey(t, h, keys.RoleView, "Alice")
	c := duettest.RunSSH(t, append(duettest.SSHArgs(t, addr, key, "main", "-t"), "chat"), false)
	c.Out.WaitFor(t, "Bob: before you came")
	c.Type(t, "hello from the chat\r")
	duettest.Poll(t, "the line said", func() bool {
		ch := s.Pairing().Chat
		return len(ch) == 2 && ch[1].Name == "Alice" && ch[1].Text == "hello from the chat"
	})
	c.Type(t, "half a line")
	s.Say(sessions.HostID, "Bob", "\x1b]52;c;aGk=\x07\x1b[2Jgotcha")
	out := c.Out.WaitFor(t, `Bob: \033]52;c;aGk=\007\033[2Jgotcha`)
	if strings.Contains(string(out), "\x1b]52") || strings.Contains(string(out), "\x1b[2J") {
		t.Fatal("a hostile chat line reached the terminal as it is")
	}
	c.Out.WaitFor(t, "> half a line") // drawn again below it
	c.Type(t, "\x15/who\r")
	c.Out.WaitFor(t, "Alice (you)  view  in the chat") // here through the chat alone
	s.SetOneDriver(true)
	c.Out.WaitFor(t, "duet: one driver at a time: Bob drives")
	s.SetCall("https://meet.jit.si/duet-chat")
	c.Out.WaitFor(t, "duet: the call: https://meet.jit.si/duet-chat")
	for range 8 {
		c.Type(t, "spam\r")
	}
	c.Out.WaitFor(t, "duet: too many messages; wait a moment")
	c.Type(t, "/quit\r")
	if code := c.Wait(t); code != 0 {
		t.Errorf("chat exit code %d", code)
	}

	script := join(t, addr, "main", newSignerNamed(t, h, keys.RoleType, "Bot"), "chat", false)
	io.WriteString(script.stdin, "from a script\n")
	script.stdin.Close()
	script.wait(t)
	duettest.Poll(t, "the script's line", func() bool {
		ch := s.Pairing().Chat
		return ch[len(ch)-1].Name == "Bot" && ch[len(ch)-1].Text == "from a script"
	})
}

// TestNoStatusLine: "+nostatus" after the session's name, or the host's NoStatusLine,
// turns the status line off: the session keeps the terminal's every row.
func TestNoStatusLine(t *testing.T) {
	for _, tc := range []struct {
		name, user string
		off        bool
	}{{"the partner's choice", "main+nostatus", false}, {"the host's choice", "main", true}} {
		t.Run(tc.name, func(t *testing.T) {
			reg := shellRegistry(t, "main")
			h := &Server{Sessions: reg, Approved: keys.NewApproved(t.TempDir() + "/approved_keys"), NoStatusLine: tc.off}
			addr := serve(t, h)
			p := join(t, addr, tc.user, newSignerNamed(t, h, keys.RoleType, "Alice"), "", true)
			s := reg.Default()
			io.WriteString(p.stdin, "echo ready-$((1+1))\r")
			p.out.WaitFor(t, "ready-2")
			if cols, rows := s.Size(); cols != 80 || rows != 24 {
				t.Errorf("session %dx%d, want the partner's 80x24", cols, rows)
			}
			if strings.Contains(p.out.String(), "duet main │") {
				t.Error("a status line was drawn")
			}
		})
	}
}

// newSignerNamed makes a key and approves it with role and name.
func newSignerNamed(t *testing.T, h *Server, role keys.Role, name string) ssh.Signer {
	t.Helper()
	signer := duettest.Signer(t)
	if err := h.Approved.Add(signer.PublicKey(), role, name); err != nil {
		t.Fatal(err)
	}
	return signer
}
