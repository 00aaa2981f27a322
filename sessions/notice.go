package sessions

import (
	"fmt"
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// NoticeFor is how long a notice stays on a client's bottom row before the client's
// screen is repainted without it.
const NoticeFor = 6 * time.Second

// noticeFor is NoticeFor; tests shorten it.
var noticeFor = NoticeFor

// Notice shows text (one line from the host; anything not printable is dropped) on the
// bottom row of the client's terminal for NoticeFor, as tmux shows a message, without
// touching the session; other clients see nothing of it. A client with a status line
// shows it there, in place of the status, which comes back after. Otherwise it goes over
// the session's bottom row (or the client's own, if its terminal is smaller), and a
// fresh repaint of the session's screen takes it away. Either way the cursor, the pen
// and the modes are put back as the screen model has them, and the terminal's saved
// cursor is left to the program.
func (c *Client) Notice(text string) {
	text = printable(text, maxStatusBytes)
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.left.Load() {
		return
	}
	c.notices++
	seq := c.notices
	if c.statusRow() > 0 {
		c.noticeText = text
		c.drawStatusLocked()
	} else {
		// The bottom row of what the client shows: the session's, or its own terminal's if
		// that is smaller (a view-only partner's does not shrink the session).
		cols, rows := s.cols, s.rows
		if c.cols > 0 && c.rows > 0 {
			cols, rows = min(cols, c.cols), min(rows, c.rows)
		}
		if cols <= 0 || rows <= 0 {
			return
		}
		c.enqueue(c.noticeBytes(text, cols, rows))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		return
	}
	if c.noticeTimer != nil {
		c.noticeTimer.Stop()
	}
	c.noticeTimer = time.AfterFunc(noticeFor, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if c.notices != seq {
			return // a newer notice has its own timer
		}
		if c.noticeText != "" {
			c.noticeText = ""
			c.drawStatusLocked()
			return
		}
		c.markOverflow() // a repaint of the screen as it is then takes the notice away
	})
}

// noticeBytes draws text in reverse video on the last of rows, cut to cols, and puts the
// terminal back as the screen model has it (behind the curtain: the cursor hidden). s.mu
// is held.
func (c *Client) noticeBytes(text string, cols, rows int) []byte {
	line := " " + text + " "
	b := fmt.Appendf(nil, "%s\x1b[%d;1H\x1b[7m", vt.StatePreamble, rows)
	b = appendCells(b, line, min(cols, cellWidth(line)))
	b = append(b, "\x1b[0m\x1b[K"...)
	if c.s.paused.Load() && !c.host {
		return b
	}
	if c.view != nil {
		// The cursor where the view shows it: the session's cursor, pen and margins are
		// not the view's.
		return c.view.AppendCursor(b)
	}
	return c.s.screen.AppendCursorState(b, -1, -1)
}
