package sessions

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/duetpair/duet/terminal/vt"
)

// The status line. A client attached with AttachOptions.StatusLine keeps its terminal's
// bottom row for one line the host writes (who is here, who drives, the latest chat
// line), as tmux keeps one for its status line: the session counts that client one row
// shorter, and the row is drawn into that client's output only (the session's screen
// model and every other client are untouched).
//
// The program writes for a terminal of the session's rows, the client's terminal has
// one more, so what the client is sent is fitted to it (fitRows): its scroll region is
// kept above the status row (a full-screen region becomes the session's rows), and
// cursor moves below the session's last row stop there, as the program's own terminal
// would stop them. What would still reach the status row (clearing the screen, the
// alternate screen, a reset, rectangle operations) makes the row be drawn again right
// after; every repaint of the client (joining, falling behind, its own resize, a resize
// of the session, the curtain lifted) ends with it. Drawing it never uses the terminal's
// saved cursor: the screen model says how to put the cursor, the pen, the margins and
// the modes back (vt.AppendCursorState).

// statusMinRows and statusMinCols are the smallest terminal that gets a status line.
const (
	statusMinRows = 3
	statusMinCols = 20
)

// statusRow returns the 1-based row of the client's status line, or 0 if it has none
// now: it did not ask for one, its terminal is too small, or it is a view-only client
// whose terminal has no room below the session's rows (unless it sees a viewport of a
// larger session, which takes the rows above the status line whatever its role). s.mu
// is held.
func (c *Client) statusRow() int {
	if !c.status || c.rows < statusMinRows || c.cols < statusMinCols {
		return 0
	}
	if c.view == nil && c.readOnly.Load() && c.rows-1 < c.s.rows {
		return 0
	}
	return c.rows
}

// sessionRows returns the rows the client's terminal gives the session: all of them, or
// all but the status line. s.mu is held.
func (c *Client) sessionRows() int {
	if c.status && c.rows >= statusMinRows && c.cols >= statusMinCols {
		return c.rows - 1
	}
	return c.rows
}

// SessionSize returns what the client's terminal gives the session: its size, less the
// status line's row if it has one.
func (c *Client) SessionSize() (cols, rows int) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.cols, c.sessionRows()
}

// SetStatusLine sets the text of the client's status line (one line from the host;
// anything that is not printable is dropped, and it is cut to the terminal's width) and
// draws it, if the client has one and the text changed. The caller keeps the pace: a
// few times a second at most.
func (c *Client) SetStatusLine(text string) {
	text = printable(text, maxStatusBytes)
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !c.status || text == c.statusText {
		return
	}
	c.statusText = text
	c.drawStatusLocked()
}

// StatusLine reports whether the client's terminal shows a status line now.
func (c *Client) StatusLine() bool {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.statusRow() > 0
}

// maxStatusBytes bounds a status line's text.
const maxStatusBytes = 2048

// drawStatusLocked has the client's status line drawn after what it has queued. s.mu is
// held.
func (c *Client) drawStatusLocked() {
	if c.statusRow() > 0 {
		c.statusLater()
	}
}

// statusLater marks the status line to be drawn after what is queued now: the writer
// draws it when it takes all of that, under s.mu, where the screen model is in the state
// the queue leaves the client's terminal in (and the model of a client behind never sees
// it). s.mu is held.
func (c *Client) statusLater() {
	c.mu.Lock()
	if !c.ended {
		c.statusDue = true
	}
	c.mu.Unlock()
	c.signal()
}

// takeWithStatus takes everything the client has queued into buf, and the status line
// drawn after it, if due.
func (c *Client) takeWithStatus(buf []byte) []byte {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	out := append(buf[:0], c.pending...)
	c.pending = c.pending[:0]
	return c.statusAfterLocked(out)
}

// fitToStatusLine fits a repaint or an update of the screen (out, which the client is
// sent next) to the client's status line, and draws the line after it; out as it is for
// a client without one. s.mu and c.mu are held.
func (c *Client) fitToStatusLine(out []byte) []byte {
	if c.statusRow() == 0 {
		return out
	}
	fitted, _, _ := fitRows(nil, out, c.s.rows)
	c.statusDue = false
	return c.appendStatus(fitted)
}

// statusAfterLocked appends the status line to out, which ends where the client's queue
// ends, if it is due. s.mu and c.mu are held.
func (c *Client) statusAfterLocked(out []byte) []byte {
	if !c.statusDue || c.overflow || c.ended {
		return out
	}
	c.statusDue = false
	return c.appendStatus(out)
}

// appendStatus appends the drawing of the client's status line (the notice shown now,
// else the status text), then puts the terminal back as the screen model is (or, behind
// the curtain, leaves the cursor hidden). s.mu is held.
func (c *Client) appendStatus(dst []byte) []byte {
	row := c.statusRow()
	if row == 0 {
		return dst
	}
	text := c.statusText
	if c.noticeText != "" {
		text = c.noticeText
	}
	dst = append(dst, vt.StatePreamble...)
	dst = fmt.Appendf(dst, "\x1b[%d;1H\x1b[7m", row)
	dst = appendCells(dst, " "+text, c.cols-1) // the last cell stays free (AppendCursorState)
	dst = append(dst, "\x1b[0m"...)
	if c.view != nil {
		return c.view.AppendCursor(dst) // where the view shows it (hidden behind the curtain)
	}
	if c.s.paused.Load() && !c.host {
		return fmt.Appendf(dst, "\x1b[1;%dr", c.s.rows) // the curtain keeps the cursor hidden
	}
	return c.s.screen.AppendCursorState(dst, c.cols-1, row-1)
}

// clearStatus returns what a client whose status line is shown is sent before its last
// words: the row cleared and the scroll region the whole terminal again, so that the
// terminal is left as it was found. s.mu is held.
func (c *Client) clearStatus() []byte {
	row := c.statusRow()
	if row == 0 {
		return nil
	}
	return fmt.Appendf(nil, "\x1b7\x1b[r\x1b[%d;1H\x1b[0m\x1b[2K\x1b8", row)
}

// appendCells appends text cut or padded with spaces to exactly cols cells.
func appendCells(dst []byte, text string, cols int) []byte {
	w := 0
	for _, r := range text {
		rw := vt.RuneWidth(r)
		if w+rw > cols {
			break
		}
		dst = utf8.AppendRune(dst, r)
		w += rw
	}
	for ; w < cols; w++ {
		dst = append(dst, ' ')
	}
	return dst
}

// cellWidth returns the cells text takes on a terminal.
func cellWidth(text string) int {
	w := 0
	for _, r := range text {
		w += vt.RuneWidth(r)
	}
	return w
}

// printable returns s with everything that is not printable text dropped (controls, C1,
// direction overrides, invalid UTF-8), cut to at most n bytes.
func printable(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == utf8.RuneError,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x2028, r == 0x2029:
			continue
		}
		if b.Len()+utf8.RuneLen(r) > n {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}
