package sessions

import "time"

// Tap observes a session as a recording does: every byte of output as the terminal got
// it, every keystroke with who typed it, and every size change. Its methods run on the
// session's goroutines with the session's lock held: they must be quick and never block
// (a recorder buffers and writes on a goroutine of its own).
type Tap interface {
	// Output is output the program wrote.
	Output(t time.Time, p []byte)
	// Input is what a client typed that reached the program. Input typed at a password
	// prompt (line mode with echo off) is never passed to a Tap.
	Input(t time.Time, who Who, p []byte)
	// Resize is a new terminal size.
	Resize(t time.Time, cols, rows int)
	// Mark is a moment worth finding again ("sharing paused").
	Mark(t time.Time, label string)
}

// Who says who a client is, for what a Tap records.
type Who struct {
	Name        string // the client's name (a partner's name, "host")
	Fingerprint string // the key it authenticated with; "" for the host's own window
}

// SetTap starts (t != nil) or stops (nil) observing the session. A new Tap first gets the
// current size and a repaint of the screen as output, so that what it records plays from
// the right screen; it is the session's only tap.
func (s *Session) SetTap(t Tap) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if (s.tap != nil) != (t != nil) {
		defer s.notifyLocked()
	}
	s.tap = t
	if t == nil {
		return
	}
	now := time.Now()
	t.Resize(now, s.cols, s.rows)
	t.Output(now, s.screen.AppendRepaint(nil))
}

// Tapped reports whether a Tap observes the session (it is being recorded).
func (s *Session) Tapped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tap != nil
}

// recordsInput reports whether keys typed now go to the tap: there is one, and the
// terminal is not at a password prompt.
func (s *Session) recordsInput() bool {
	s.mu.Lock()
	tapped := s.tap != nil
	s.mu.Unlock()
	return tapped && s.pty.Recordable()
}

// tapInput passes a client's keystrokes to the tap (see recordsInput).
func (s *Session) tapInput(who Who, p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tap != nil {
		s.tap.Input(time.Now(), who, p)
	}
}

// InputRecordable reports whether what is typed now may be recorded: not at a password
// prompt, where the terminal is in line mode with echo off. (Programs that read keys
// themselves, shells with line editing and editors, turn echo off too, but also line
// mode: their keys are recorded.)
func (s *Session) InputRecordable() bool { return s.pty.Recordable() }
