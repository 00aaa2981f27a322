package app

import (
	"errors"
	"net/url"
	"time"

	"fyne.io/fyne/v2"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/join"
	"github.com/duetpair/duet/sessions/wire"
)

// Pairing in the window: every session, hosted or joined, has a strip over its terminal
// (who is here, who types, who drives, handing control over, the call) and a chat panel
// under it, and shows where participants point (pairView). A hosted session's pairing
// comes from the session itself (watchPairing, at most every pairEvery); a joined one's
// from the host's pair messages (join.Config.Pair). What the window asks for goes to the
// session, or to the host (join.Conn.SendPair, off the UI goroutine). Every name and
// text shown was cleaned (wire.CleanName, wire.CleanText): a hostile one shows escaped.

// pairEvery is the least time between two pairing updates of a hosted session.
const pairEvery = 250 * time.Millisecond

// pairActions is what the window asks of a session's pairing: the session's own, or the
// host's over the connection.
type pairActions interface {
	say(text string)
	drive(action, to string)
	setCall(link string)
	point(col, row int)
	setOneDriver(on bool) // hosted only
}

// hostedPair acts on a hosted session as its host.
type hostedPair struct{ e *entry }

func (h hostedPair) s() *sessions.Session { return h.e.session }

func (h hostedPair) name() string { return h.e.u.settings.displayName() }

func (h hostedPair) say(text string) { h.e.pair.failed(h.s().Say(sessions.HostID, h.name(), text)) }

func (h hostedPair) drive(action, to string) {
	switch action {
	case wire.DriveGive:
		h.e.pair.failed(h.s().GiveDrive(sessions.HostID, to))
	case wire.DriveTake:
		h.e.pair.failed(h.s().GiveDrive(sessions.HostID, sessions.HostID))
	}
}

func (h hostedPair) setCall(link string) { h.e.pair.failed(h.s().SetCall(link)) }

func (h hostedPair) point(col, row int) {
	h.e.pair.failed(h.s().PointAt(sessions.HostID, h.name(), col, row))
}

func (h hostedPair) setOneDriver(on bool) { h.s().SetOneDriver(on) }

// joinedPair sends what the window asks for to the host.
type joinedPair struct{ e *entry }

func (j joinedPair) send(m wire.Message) {
	e, u := j.e, j.e.u
	conn := e.join.connection()
	if conn == nil || u.closing() {
		return
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		err := conn.SendPair(m)
		fyne.Do(func() { e.pair.failed(err) })
	}()
}

func (j joinedPair) say(text string) { j.send(wire.Message{Kind: wire.KindSay, Text: text}) }

func (j joinedPair) drive(action, to string) {
	j.send(wire.Message{Kind: wire.KindDrive, Drive: &wire.Drive{Action: action, To: to}})
}

func (j joinedPair) setCall(link string) { j.send(wire.Message{Kind: wire.KindCall, Call: link}) }

func (j joinedPair) point(col, row int) {
	j.send(wire.Message{Kind: wire.KindPoint, Point: &wire.Point{Col: col, Row: row}})
}

func (joinedPair) setOneDriver(bool) {}

// pairError is the sentence for something the session or the host refused.
func pairError(err error) string {
	switch {
	case errors.Is(err, sessions.ErrTooFast):
		return "Too many messages at once; wait a moment."
	case errors.Is(err, sessions.ErrBadCall), errors.Is(err, wire.ErrBadCall):
		return "The call link must be a web address (https://…)."
	case errors.Is(err, sessions.ErrNotAllowed), errors.Is(err, join.ErrPairRefused):
		return "The host did not allow that."
	case errors.Is(err, join.ErrDisconnected):
		return "Not sent: the connection is down; Duet is reconnecting."
	case errors.Is(err, join.ErrConnClosed):
		return "Not sent: you left the session."
	}
	return "That did not work."
}

// connection returns the joined connection once Dial returned, or nil.
func (j *joining) connection() *join.Conn {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.conn
}

// watchPairing shows the hosted session's pairing in e's strip and chat, at every
// change (and every second while someone types, who stops without telling), at most
// every pairEvery, until the session or the window ends or e leaves the list.
func (u *UI) watchPairing(e *entry) {
	s, stop := e.session, e.stopPr
	s.SetHostName(u.settings.displayName())
	if u.closing() {
		return
	}
	u.wg.Go(func() {
		for {
			changed := s.Changed()
			p := s.Pairing()
			fyne.Do(func() {
				if !e.ended {
					e.pair.fromSession(p)
				}
			})
			t := time.NewTimer(time.Second)
			select {
			case <-changed:
			case <-t.C:
			case <-s.Done():
			case <-stop:
			case <-u.stop:
			}
			t.Stop()
			select {
			case <-s.Done():
				return
			case <-stop:
				return
			case <-u.stop:
				return
			case <-time.After(pairEvery):
			}
		}
	})
}

// fromSession takes a hosted session's pairing: who is here as its host sees it, the
// new chat lines (names and texts cleaned here, as the host cleans them for partners),
// the new points (those made before the window looked are old news).
func (v *pairView) fromSession(p sessions.Pairing) {
	v.setPresence(host.PresenceOf(p, sessions.HostID))
	var lines []wire.ChatLine
	for _, l := range p.Chat {
		if l.Seq > v.lastChat {
			lines = append(lines, wire.ChatLine{Seq: l.Seq, From: l.From, Name: wire.CleanName(l.Name),
				Text: wire.CleanText(l.Text), At: l.At.UnixMilli()})
		}
	}
	v.addChat(lines)
	for _, pt := range p.Points {
		if pt.Seq > v.lastPoint {
			v.lastPoint = pt.Seq
			if v.primed {
				v.showPoint(wire.Point{From: pt.From, Name: wire.CleanName(pt.Name), Col: pt.Col, Row: pt.Row})
			}
		}
	}
	v.primed = true
}

// onMessage takes a pair message the host sent a joined session (parsed and cleaned by
// wire.ParseMessage).
func (v *pairView) onMessage(m wire.Message) {
	switch m.Kind {
	case wire.KindPresence:
		v.setPresence(*m.Presence)
	case wire.KindChat:
		v.addChat(m.Chat)
	case wire.KindPoint:
		v.showPoint(*m.Point)
	}
}

// openCall opens the call link in the browser; only a click on "Open call" calls it.
func (u *UI) openCall(link string) {
	if wire.CheckCall(link) != nil {
		return
	}
	if l, err := url.Parse(link); err == nil {
		if err := u.a.OpenURL(l); err != nil {
			u.log.Warn("open the call link", "err", err)
			u.showError("Duet could not open the call", errors.New("no browser opened the link; copy it into one"))
		}
	}
}
