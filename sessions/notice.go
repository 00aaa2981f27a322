package sessions

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// NoticeFor is how long a notice stays on a client's bottom row before the client's
// screen is repainted without it.
const NoticeFor = 6 * time.Second

// noticeFor is NoticeFor; tests shorten it.
var noticeFor = NoticeFor

// Notice shows text (one line from the host, not from a partner) on the bottom row of the
// client's terminal (or of the session, if that is smaller), as tmux shows a message, without touching the session: the cursor and the
// attributes are saved around it, and NoticeFor later the client gets a fresh repaint of
// the session's screen, which takes it away. Other clients see nothing of it.
func (c *Client) Notice(text string) {
	s := c.s
	s.mu.Lock()
	// The bottom row of what the client shows: the session's, or its own terminal's if
	// that is smaller (a view-only partner's does not shrink the session).
	cols, rows := s.cols, s.rows
	if c.cols > 0 && c.rows > 0 {
		cols, rows = min(cols, c.cols), min(rows, c.rows)
	}
	if cols <= 0 || rows <= 0 {
		s.mu.Unlock()
		return
	}
	c.enqueue(noticeBytes(text, cols, rows))
	s.mu.Unlock()

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
		c.markOverflow() // a repaint of the screen as it is then takes the notice away
	})
}

// noticeBytes draws text in reverse video on the last of rows, cut to cols, and puts the
// cursor and attributes back (DECSC, DECRC).
func noticeBytes(text string, cols, rows int) []byte {
	line := " " + text + " "
	if n := utf8.RuneCountInString(line); n > cols {
		r := []rune(line)
		line = string(r[:cols])
	}
	return fmt.Appendf(nil, "\x1b7\x1b[%d;1H\x1b[0;7m%s\x1b[0m\x1b[K\x1b8", rows, line)
}
