package sessions

import (
	"strconv"
	"strings"
	"time"
)

// Pause draws the privacy curtain: until Resume, clients other than the host's own see a
// screen saying the host paused sharing instead of the output, and what they type is
// dropped; the program, the screen model and the host's clients go on as usual. A Tap
// records a mark, and keeps recording the output only if keepRecording is set. Pausing a
// paused session changes nothing.
func (s *Session) Pause(keepRecording bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended || s.paused.Load() {
		return
	}
	s.paused.Store(true)
	s.markPrivate(true)
	s.recordPaused = keepRecording
	curtain := curtainScreen(s.cols, s.rows)
	for _, c := range s.clients {
		switch {
		case c.host:
		case c.view != nil: // the curtain at the size it sees
			c.view.Redraw()
			c.replace(curtainScreen(min(c.cols, s.cols), min(c.view.Rows, s.rows)))
		default:
			c.replace(curtain)
		}
	}
	if s.tap != nil {
		s.tap.Mark(time.Now(), "sharing paused")
	}
	s.notifyLocked()
	s.log.Info("sharing paused")
}

// Resume lifts the curtain: every client gets a repaint of the screen as it is now, and
// input goes through again.
func (s *Session) Resume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.paused.Load() {
		return
	}
	s.paused.Store(false)
	s.markPrivate(false)
	for _, c := range s.clients {
		if !c.host {
			c.markOverflow()
		}
	}
	if s.tap != nil {
		now := time.Now()
		s.tap.Mark(now, "sharing resumed")
		if !s.recordPaused {
			s.tap.Output(now, s.screen.AppendRepaint(nil)) // what the recording missed
		}
	}
	s.notifyLocked()
	s.log.Info("sharing resumed")
}

// Paused reports whether the curtain is drawn.
func (s *Session) Paused() bool { return s.paused.Load() }

// curtainScreen is what partners see while sharing is paused: a clear screen with a
// message in the middle, the cursor hidden, every mode a program may have left reset.
func curtainScreen(cols, rows int) []byte {
	lines := []string{"The host paused sharing.", "You will see the session again when they resume."}
	var b strings.Builder
	b.WriteString("\x1b[?1049l\x1b[0m\x1b[r\x1b[H\x1b[2J\x1b[?25l")
	top := max(rows/2-1, 1)
	for i, line := range lines {
		if cols > 0 && len(line) > cols {
			line = line[:cols]
		}
		col := max((cols-len(line))/2+1, 1)
		b.WriteString("\x1b[" + strconv.Itoa(top+i) + ";" + strconv.Itoa(col) + "H")
		if i == 0 {
			b.WriteString("\x1b[1m" + line + "\x1b[0m")
		} else {
			b.WriteString(line)
		}
	}
	return []byte(b.String())
}

// State is what everyone in a session is told about it.
type State struct {
	Recording bool // a Tap observes the session
	Paused    bool // the curtain is drawn
}

// State returns the session's state now.
func (s *Session) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return State{Recording: s.tap != nil, Paused: s.paused.Load()}
}

// Changed returns a channel that is closed at the next change of the session's State.
func (s *Session) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// notifyLocked wakes those waiting on Changed. s.mu is held.
func (s *Session) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}
