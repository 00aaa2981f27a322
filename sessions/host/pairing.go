package host

import (
	"errors"
	"fmt"
	"net"
	"reflect"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// pairEvery is the least time between two pairing updates to one partner: a few a
// second at most, however often the session changes, so that they never crowd the
// terminal's output on the connection.
const pairEvery = 250 * time.Millisecond

// displayName is what the host calls the partner in its sessions: its name (see
// Server.nameOf), else where it comes from.
func (c *conn) displayName() string {
	_, name := c.names()
	if name != "" {
		return name
	}
	return "a partner from " + hostOf(c.remote)
}

// hostOf is the host part of a host:port address.
func hostOf(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// participant returns the connection's participant ID in a session.
func (c *conn) participant() string {
	if c.owner {
		return sessions.HostID
	}
	return c.fp
}

// pairLoop tells the partner on ch what everyone in session s is told, at join and at
// every change, at most every pairEvery, until stop is closed: that the session is
// recorded or paused (a typed status, and a line or a notice for a terminal); for a Duet
// window (duet), who is here, the chat and the points, as pair messages; for a terminal
// with a status line, that line and notices (someone points, asks for control, control
// changes hands, the call link). A terminal without one gets the call link on standard
// error.
func (c *conn) pairLoop(ch ssh.Channel, s *sessions.Session, cl *sessions.Client, duet bool, stop <-chan struct{}) {
	t := pairTeller{c: c, ch: ch, cl: cl, duet: duet, you: c.participant()}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var sent time.Time
	for {
		changed := s.Changed()
		p := s.Pairing()
		t.tell(p)
		sent = time.Now()
		// Someone typing stops typing without telling: look again then.
		wake := time.Duration(0)
		for _, pt := range p.Participants {
			if pt.Typing {
				wake = sessions.TypingFor
			}
		}
		var tc <-chan time.Time
		if wake > 0 {
			timer.Reset(wake)
			tc = timer.C
		}
		select {
		case <-changed:
		case <-tc:
		case <-stop:
			return
		}
		if !timer.Stop() && tc != nil {
			select {
			case <-timer.C:
			default:
			}
		}
		if wait := time.Until(sent.Add(pairEvery)); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-stop:
				return
			}
		}
	}
}

// pairTeller is what one partner was told of a session.
type pairTeller struct {
	c    *conn
	ch   ssh.Channel
	cl   *sessions.Client
	duet bool
	you  string

	told      sessions.Pairing
	first     bool // told once
	presence  wire.Presence
	lastChat  uint64
	lastPoint uint64
}

// tell tells what changed since the last time.
func (t *pairTeller) tell(p sessions.Pairing) {
	if !t.first {
		t.lastPoint = lastPointSeq(p.Points) // points made before the partner came are old news
	}
	t.tellState(p)
	if t.duet {
		t.tellWindow(p)
	} else if t.cl.StatusLine() {
		t.tellStatusLine(p)
	} else if p.Call != t.told.Call && p.Call != "" {
		announce(t.ch, wire.Status{State: wire.Call, Text: p.Call})
	}
	t.told, t.first = p, true
}

// tellState tells that the session is recorded, or no longer, and paused or resumed: a
// typed status, and for a terminal a notice on its status line or a line on standard
// error (the curtain itself says it is paused).
func (t *pairTeller) tellState(p sessions.Pairing) {
	told := t.told
	var st wire.Status
	switch {
	case p.Recording && !told.Recording:
		st = wire.Status{State: wire.Recording}
	case !p.Recording && told.Recording:
		st = wire.Status{State: wire.NotRecording}
	}
	if st.State != 0 {
		if !t.duet && t.cl.StatusLine() {
			send(t.ch, st)
			t.cl.Notice(st.Message())
		} else {
			announce(t.ch, st)
		}
	}
	switch {
	case p.Paused && !told.Paused:
		send(t.ch, wire.Status{State: wire.Paused})
	case !p.Paused && told.Paused:
		send(t.ch, wire.Status{State: wire.Resumed})
	}
}

// tellWindow sends a Duet window who is here, when it changed, and the new chat lines
// and points.
func (t *pairTeller) tellWindow(p sessions.Pairing) {
	pr := PresenceOf(p, t.you)
	if !t.first || !reflect.DeepEqual(pr, t.presence) {
		t.presence = pr
		sendPair(t.ch, wire.Message{Kind: wire.KindPresence, Presence: &pr})
	}
	var lines []wire.ChatLine
	for _, l := range p.Chat {
		if l.Seq > t.lastChat {
			lines = append(lines, wire.ChatLine{Seq: l.Seq, From: l.From, Name: l.Name, Text: l.Text, At: l.At.UnixMilli()})
			t.lastChat = l.Seq
		}
	}
	for len(lines) > 0 {
		n := min(len(lines), 10) // small messages, well under MaxPairBytes
		sendPair(t.ch, wire.Message{Kind: wire.KindChat, Chat: lines[:n]})
		lines = lines[n:]
	}
	for _, pt := range p.Points {
		if pt.Seq > t.lastPoint {
			t.lastPoint = pt.Seq
			sendPair(t.ch, wire.Message{Kind: wire.KindPoint, Point: &wire.Point{From: pt.From, Name: pt.Name, Col: pt.Col, Row: pt.Row}})
		}
	}
}

// tellStatusLine draws a terminal's status line, and shows as a notice what the
// partner should not miss.
func (t *pairTeller) tellStatusLine(p sessions.Pairing) {
	cols, _ := t.cl.Size()
	t.cl.SetStatusLine(statusText(p, t.you, cols))
	var notice string
	for _, pt := range p.Points {
		if pt.Seq > t.lastPoint {
			t.lastPoint = pt.Seq
			if pt.From != t.you {
				notice = fmt.Sprintf("duet: %s points at line %d", wire.CleanName(pt.Name), pt.Row+1)
			}
		}
	}
	if n := controlNews(t.told, p, t.you); n != "" {
		notice = n
	}
	if p.Call != t.told.Call && p.Call != "" {
		notice = "duet: the call: " + p.Call
	}
	if notice != "" {
		t.cl.Notice(notice)
	}
}

// controlNews says what changed about control that participant you should know, "" if
// nothing: one driver at a time turned on or off, control given to you or taken, someone
// asks you (the driver or the host) for it.
func controlNews(was, now sessions.Pairing, you string) string {
	driver := func(p sessions.Pairing) (sessions.Participant, bool) {
		for _, pt := range p.Participants {
			if pt.Driving {
				return pt, true
			}
		}
		return sessions.Participant{}, false
	}
	d, ok := driver(now)
	od, _ := driver(was)
	switch {
	case now.OneDriver && !was.OneDriver:
		return fmt.Sprintf("duet: one driver at a time: %s drives; what you type asks for control", wire.CleanName(d.Name))
	case !now.OneDriver && was.OneDriver:
		return "duet: one driver at a time is off: everyone who may type types"
	case !now.OneDriver || !ok:
		return ""
	case d.ID != od.ID && d.ID == you:
		return "duet: you drive now"
	case d.ID != od.ID:
		return fmt.Sprintf("duet: %s drives now", wire.CleanName(d.Name))
	}
	if you != d.ID && you != sessions.HostID {
		return ""
	}
	asked := map[string]bool{}
	for _, pt := range was.Participants {
		if pt.Asking {
			asked[pt.ID] = true
		}
	}
	for _, pt := range now.Participants {
		if pt.Asking && !asked[pt.ID] {
			return fmt.Sprintf("duet: %s asks to drive; /give %s in the chat hands over", wire.CleanName(pt.Name), wire.CleanName(pt.Name))
		}
	}
	return ""
}

// PresenceOf is the session's presence as participant you is told it (a Duet window
// and `who --json`): names cleaned (wire.CleanName).
func PresenceOf(p sessions.Pairing, you string) wire.Presence {
	pr := wire.Presence{Session: wire.CleanName(p.Session), You: you, OneDriver: p.OneDriver, Call: p.Call,
		Recording: p.Recording, Paused: p.Paused, People: []wire.Person{}}
	for _, pt := range p.Participants {
		pr.People = append(pr.People, personOf(pt))
	}
	return pr
}

// personOf is a participant as the wire says it.
func personOf(pt sessions.Participant) wire.Person {
	role := wire.RoleType
	switch {
	case pt.ID == sessions.HostID:
		role = wire.RoleHost
	case pt.ReadOnly:
		role = wire.RoleView
	}
	return wire.Person{ID: pt.ID, Name: wire.CleanName(pt.Name), Role: role, Typing: pt.Typing, Driving: pt.Driving,
		Asking: pt.Asking, Chat: pt.ChatOnly}
}

func lastPointSeq(points []sessions.Point) uint64 {
	if len(points) == 0 {
		return 0
	}
	return points[len(points)-1].Seq
}

// sendPair sends a Duet window a pair message.
func sendPair(ch ssh.Channel, m wire.Message) {
	if p, err := wire.MarshalMessage(m); err == nil {
		ch.SendRequest(wire.PairRequest, false, p)
	}
}

// onPair carries out a pair message a Duet window sent on its channel: hello (before
// its shell: it shows pairing itself), or, once attached, a chat line, a request about
// control, the call link, a point. What it may do is checked here and in the session
// (rates, sizes); false refuses it.
func (c *conn) onPair(st *channelState, payload []byte) bool {
	m, err := wire.ParseMessage(payload)
	if err != nil {
		return false
	}
	st.mu.Lock()
	cl := st.client
	if m.Kind == wire.KindHello {
		st.duet = true
	}
	st.mu.Unlock()
	if m.Kind == wire.KindHello {
		return true
	}
	if cl == nil {
		return false
	}
	if err := c.pairAction(cl.Session(), cl.Name(), m); err != nil {
		c.log.Debug("pair request refused", "kind", m.Kind, "err", err)
		return false
	}
	return true
}

// errViewOnly refuses what only a participant who may type may do.
var errViewOnly = errors.New("view only")

// pairAction carries out a partner's chat line, request about control, call link or
// point in s, as the participant of the connection called name.
func (c *conn) pairAction(s *sessions.Session, name string, m wire.Message) error {
	id := c.participant()
	switch m.Kind {
	case wire.KindSay:
		return s.Say(id, name, m.Text)
	case wire.KindPoint:
		return s.PointAt(id, name, m.Point.Col, m.Point.Row)
	case wire.KindCall:
		if !c.owner && c.acc.Role() != keys.RoleType {
			return errViewOnly
		}
		return s.SetCall(m.Call)
	case wire.KindDrive:
		switch m.Drive.Action {
		case wire.DriveAsk:
			if !c.mayType() {
				return errViewOnly
			}
			s.AskToDrive(id)
			return nil
		case wire.DriveGive:
			return s.GiveDrive(id, m.Drive.To)
		case wire.DriveTake:
			return s.GiveDrive(id, sessions.HostID) // the host only: GiveDrive checks
		}
	}
	return errors.New("not a request")
}
