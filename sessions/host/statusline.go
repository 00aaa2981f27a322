package host

import (
	"fmt"
	"strings"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// The status line an OpenSSH partner (or duet join in a terminal) sees on its bottom
// row, drawn by the session into that partner's output only (sessions.Client's status
// line): the session, whether it is recorded or paused, who is here (who drives or asks
// to, who types, who only watches) and the latest chat line. It is on unless the host
// turned it off (Server.NoStatusLine) or the partner did: a user name with "+nostatus"
// ("ssh -p 2222 main+nostatus@host"). Notices (a role changed, someone points, asks or
// hands over control) take its place for a few seconds.

// noStatusOption is the user name option that turns the status line off.
const noStatusOption = "nostatus"

// splitUser reads a user name as SESSION[+OPTION...]: the session asked for and whether
// the status line is wanted. A session whose whole name it is wins over the options.
func (h *Server) splitUser(user string) (session string, status bool) {
	if h.Sessions.Lookup(user) != nil {
		return user, true
	}
	name, opts, found := strings.Cut(user, "+")
	if !found {
		return user, true
	}
	status = true
	for _, o := range strings.Split(opts, "+") {
		if o == noStatusOption {
			status = false
		}
	}
	return name, status
}

// statusText composes participant you's status line for a terminal cols wide: the
// session and its state, then who is here, then the latest chat line (which the width
// cuts first). Names and chat text are shown cleaned (wire.CleanName, wire.CleanText).
func statusText(p sessions.Pairing, you string, cols int) string {
	head := "duet " + wire.CleanName(p.Session)
	switch {
	case p.Paused:
		head += " · PAUSED"
	case p.Recording:
		head += " · ● recording"
	}
	// The host, then you (never cut off), then the others in the order they came.
	var people, others []string
	for _, pt := range p.Participants {
		switch t := personText(pt, you, p.OneDriver); {
		case pt.ID == sessions.HostID || pt.ID == you:
			people = append(people, t)
		default:
			others = append(others, t)
		}
	}
	fixed := len(people)
	people = append(people, others...)
	chat := ""
	if n := len(p.Chat); n > 0 {
		l := p.Chat[n-1]
		chat = wire.CleanName(l.Name) + ": " + wire.CleanText(l.Text)
	}
	// Who is here gets what the head and a bit of the chat leave; the rest are counted.
	room := max(cols-len([]rune(head))-3-min(len([]rune(chat)), 24)-3, 20)
	who := strings.Join(people, " · ")
	for k := len(people) - 1; k >= max(fixed, 1) && len([]rune(who)) > room; k-- {
		who = strings.Join(people[:k], " · ") + fmt.Sprintf(" · +%d", len(people)-k)
	}
	line := head + " │ " + who
	if chat != "" {
		line += " │ " + chat
	}
	return line
}

// personText is one participant on the status line: "Bob (host) drives",
// "Alice (you) typing", "Carol (view)", "Dan asks to drive".
func personText(pt sessions.Participant, you string, oneDriver bool) string {
	s := wire.CleanName(pt.Name)
	switch {
	case pt.ID == you:
		s += " (you)"
	case pt.ID == sessions.HostID:
		s += " (host)"
	case pt.ReadOnly:
		s += " (view)"
	}
	if now := personOf(pt).Now(oneDriver); now != "" {
		s += " " + now
	}
	return s
}
