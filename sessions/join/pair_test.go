//go:build !windows

package join

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/wire"
)

// pairLog keeps the pair messages a Conn is given.
type pairLog struct {
	mu   sync.Mutex
	msgs []wire.Message
}

func (p *pairLog) add(m wire.Message) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgs = append(p.msgs, m)
}

// find returns the latest message ok accepts.
func (p *pairLog) find(ok func(wire.Message) bool) (wire.Message, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.msgs) - 1; i >= 0; i-- {
		if ok(p.msgs[i]) {
			return p.msgs[i], true
		}
	}
	return wire.Message{}, false
}

// TestJoinPair: a Conn with Config.Pair says hello to a Duet host, which then draws no
// status line; it is told who is here and the chat (a hostile line escaped), and what it
// sends with SendPair reaches the session; what it may not do is refused.
func TestJoinPair(t *testing.T) {
	checkNoJoinGoroutines(t)
	store := joinStore(t)
	h := &host.Server{}
	addr := duetHost(t, h, duetKey(t, store).PublicKey())
	s := h.Sessions.Default()
	s.SetHostName("Bob")
	pl := &pairLog{}
	j := dialJoin(t, testAddr(t, addr, "main"), Config{
		Store: store, Term: "xterm-256color", Cols: 80, Rows: 24, Name: "Alice",
		ConfirmHost: (&trustAll{}).confirm, Pair: pl.add,
	})
	duettest.Poll(t, "the presence of two", func() bool {
		m, ok := pl.find(func(m wire.Message) bool { return m.Kind == wire.KindPresence })
		return ok && len(m.Presence.People) == 2 && m.Presence.People[0].Name == "Bob" && m.Presence.People[1].ID == m.Presence.You
	})
	s.Say(sessions.HostID, "Bob", "look \x1b[2J\x1b]0;pwned\x07here")
	duettest.Poll(t, "the chat line, escaped", func() bool {
		_, ok := pl.find(func(m wire.Message) bool {
			return m.Kind == wire.KindChat && m.Chat[len(m.Chat)-1].Text == `look \033[2J\033]0;pwned\007here`
		})
		return ok
	})
	if err := j.SendPair(wire.Message{Kind: wire.KindSay, Text: "hi from the window"}); err != nil {
		t.Fatal(err)
	}
	duettest.Poll(t, "the line in the session", func() bool {
		c := s.Pairing().Chat
		return len(c) == 2 && c[1].Text == "hi from the window"
	})
	if err := j.SendPair(wire.Message{Kind: wire.KindDrive, Drive: &wire.Drive{Action: wire.DriveTake}}); !errors.Is(err, ErrPairRefused) {
		t.Errorf("a partner took control back: %v", err)
	}
	j.typeLine(t, "echo typed-$((1+1))")
	j.out.WaitFor(t, "typed-2")
	if strings.Contains(j.out.String(), "duet main │") {
		t.Error("a window's terminal got a status line")
	}
}
