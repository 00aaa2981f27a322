package sessions

import (
	"crypto/rand"
	"encoding/hex"
	"slices"

	"github.com/duetpair/duet/terminal/vt"
)

// AllHistory, as AttachOptions.History, sends a client all of the session's scrollback.
const AllHistory = -1

// ScrollbackLines is how many lines a session keeps once they scrolled off its screen:
// all the history a client can get.
const ScrollbackLines = vt.DefaultScrollback

// Mark is how much of a session's history a client's terminal has: the lines numbered
// below Lines (as vt's Scrolled numbers them) of the session with ID Session. A client
// that reconnects says what it had, and gets only what it lacks.
type Mark struct {
	Session string
	Lines   uint64
}

// HistoryMarker is what a client's output may be written to when its other end wants to
// know how much of the history it has (a Duet partner's SSH channel): after each write,
// CopyTo tells it the Mark the output written so far brings the terminal to, when that
// changed.
type HistoryMarker interface {
	MarkHistory(Mark)
}

// newSessionID returns a session's ID: random, so that the ID of a session that ended is
// never another's (a partner's Mark of a session of the same name that ran before is
// worth nothing).
func newSessionID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ID returns the session's ID, which no other session has.
func (s *Session) ID() string { return s.id }

// lineRange is the lines numbered from from to to-1.
type lineRange struct{ from, to uint64 }

// maxPrivate bounds the ranges of lines kept out of histories: the oldest go first (by
// then they have usually left the scrollback anyway), and with them what they covered
// becomes one range from the start.
const maxPrivate = 64

// markPrivate starts (or ends) a range of lines that no client's history gets: the lines
// that leave the screen while sharing is paused. The primary screen's rows at the pause
// were shared: when the lines that scrolled past start with them (a program that only
// added lines at the bottom), those stay in the history. s.mu is held.
func (s *Session) markPrivate(start bool) {
	n := s.screen.Scrolled()
	if start {
		if len(s.private) == maxPrivate {
			s.private[1].from = 0 // the first two become one
			s.private = s.private[1:]
		}
		s.private = append(s.private, lineRange{n, ^uint64(0)})
		s.shared = s.shared[:0]
		if !s.screen.AltScreen() {
			for y := range s.rows {
				row, _ := s.screen.Row(y, nil)
				s.shared = append(s.shared, row)
			}
		}
		return
	}
	k := len(s.private)
	if k == 0 {
		return
	}
	r := &s.private[k-1]
	r.to = n
	oldest := n - uint64(s.screen.ScrollbackLen())
	var line []vt.Cell
	for i, row := range s.shared {
		if r.from >= r.to || r.from < oldest {
			break
		}
		line, _ = s.screen.Scrollback(int(r.from-oldest), line[:0])
		if !slices.Equal(line, row) || i > 0 && blankRow(row) {
			break
		}
		r.from++
	}
	s.shared = nil
}

// blankRow reports whether a row shows nothing: one after the text, which says nothing
// of where the lines that scroll past came from.
func blankRow(cells []vt.Cell) bool {
	for _, c := range cells {
		if c != (vt.Cell{}) {
			return false
		}
	}
	return true
}

// isPrivate reports whether line n left the screen while sharing was paused. s.mu is held.
func (s *Session) isPrivate(n uint64) bool {
	for _, r := range s.private {
		if n >= r.from && n < r.to {
			return true
		}
	}
	return false
}

// appendHistory appends the scrollback a client attaching gets before its repaint: as
// many lines as opt.History asks for, only those after what opt.Has says the client's
// terminal has of this session, none that left the screen while sharing was paused. It
// sets the client's Mark. s.mu is held.
func (c *Client) appendHistory(dst []byte, opt AttachOptions) []byte {
	s := c.s
	c.mark = Mark{Session: s.id, Lines: s.screen.Scrolled()}
	if opt.History == 0 || (s.paused.Load() && !c.host) {
		return dst
	}
	o := vt.HistoryOptions{Max: max(opt.History, 0), Cols: c.cols, Rows: c.rows}
	if opt.Has.Session == s.id {
		o.From = opt.Has.Lines
	}
	if len(s.private) > 0 && !c.host {
		o.Skip = s.isPrivate
	}
	if o.Cols <= 0 || o.Rows <= 0 {
		o.Cols, o.Rows = s.cols, s.rows
	}
	dst, c.mark.Lines = s.screen.AppendHistory(dst, o)
	return dst
}

// markTo tells w the Mark the output written to it so far brings the client's terminal
// to, if w wants to know and it changed since the last time.
func (c *Client) markTo(w any, told *Mark) {
	m, ok := w.(HistoryMarker)
	if !ok {
		return
	}
	c.mu.Lock()
	mark := c.taken
	c.mu.Unlock()
	if mark != *told && mark.Session != "" {
		*told = mark
		m.MarkHistory(mark)
	}
}
