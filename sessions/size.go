package sessions

import (
	"strings"
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// The largest terminal a client's size may ask for: wider or taller sizes are cut to
// these, so that a full repaint (a late join, a client that fell behind) stays cheap
// whatever a partner says its terminal is: about five times a 200x60 screen's, where a
// partner's 1000x500 used to cost forty (see sessions/host's BenchmarkRepaintMaxSize).
const (
	MaxCols = 400
	MaxRows = 160
)

// clampSize bounds a client's size to MaxCols x MaxRows; 0 or less means none.
func clampSize(cols, rows int) (int, int) {
	return min(max(cols, 0), MaxCols), min(max(rows, 0), MaxRows)
}

// resizeLocked applies the size policy (see SizePolicy): by default the smallest rows
// and the smallest columns among the clients that may type and have a size. Without such
// a client the size stays. The screen model is resized with the terminal, under s.mu, so
// that it is never out of step with the output it is fed. Clients smaller than the
// session get a viewport of it. A client with a status line counts a row shorter, and is
// repainted at the new size (its terminal's scroll region must follow). It reports
// whether the size changed. s.mu is held.
func (s *Session) resizeLocked() bool {
	if s.ended {
		return false
	}
	defer s.updateViewsLocked()
	cols, rows := s.policySize()
	if cols == 0 || (cols == s.cols && rows == s.rows) {
		return false
	}
	if err := s.pty.Resize(cols, rows); err != nil {
		s.log.Warn("resize terminal", "err", err)
		return false
	}
	s.screen.Resize(cols, rows)
	s.cols, s.rows = cols, rows
	if s.tap != nil {
		s.tap.Resize(time.Now(), cols, rows)
	}
	for _, c := range s.clients {
		switch {
		case c.follow:
			c.markSize(cols, rows)
		case c.status, c.tell:
			c.markOverflow() // a repaint at the new size (told first, for tell)
		}
	}
	return true
}

// Limiters returns the clients that set the session's size now: those the size policy
// looks at (that may type; with SizeHost, the host's own if one has a size) whose
// columns or rows are the session's.
func (s *Session) Limiters() []*Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	hostOnly := false
	if s.policy == SizeHost {
		for _, c := range s.clients {
			hostOnly = hostOnly || (c.host && !c.readOnly.Load() && c.cols > 0 && c.rows > 0)
		}
	}
	var out []*Client
	for _, c := range s.clients {
		if !c.readOnly.Load() && (c.host || !hostOnly) && (c.cols == s.cols || c.sessionRows() == s.rows) {
			out = append(out, c)
		}
	}
	return out
}

// endMessage returns what a client is sent last: the input modes the program left on are
// turned off (a partner's terminal should not stay in mouse mode), then msg on a line of
// its own. s.mu is held.
func (s *Session) endMessage(msg string) []byte {
	var b strings.Builder
	m := s.screen.Modes()
	b.WriteString("\x1b[0m")
	if s.screen.AltScreen() {
		b.WriteString("\x1b[?1049l")
	}
	if m.Mouse != vt.MouseNone {
		b.WriteString("\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l")
	}
	if m.MouseEncoding != vt.MouseEncodingDefault {
		b.WriteString("\x1b[?1005l\x1b[?1006l\x1b[?1015l")
	}
	if m.BracketedPaste {
		b.WriteString("\x1b[?2004l")
	}
	if m.FocusEvents {
		b.WriteString("\x1b[?1004l")
	}
	if m.AppCursor {
		b.WriteString("\x1b[?1l")
	}
	if m.AppKeypad {
		b.WriteString("\x1b>")
	}
	if !m.CursorVisible {
		b.WriteString("\x1b[?25h")
	}
	if x, _, _ := s.screen.Cursor(); x != 0 || s.screen.AltScreen() {
		b.WriteString("\r\n")
	}
	b.WriteString(msg)
	b.WriteString("\r\n")
	return []byte(b.String())
}
