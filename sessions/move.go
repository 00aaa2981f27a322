package sessions

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// ErrCannotMove is returned by [Session.Move] and [Registry.Adopt] where a running
// command cannot change process: on Windows, a pseudo console belongs to the process that
// made it.
var ErrCannotMove = errors.New("a running session cannot move to another process on this system")

// ErrMoved is what a client of a session that moved gets instead of the session's end
// (from [Client.CopyTo], a [Stream]'s Read): the command goes on, served by another
// process.
var ErrMoved = errors.New("the session moved to another process")

// Moved is a session taken out of this process with [Session.Move], its command still
// running: everything another process needs to [Registry.Adopt] it. Master is the
// terminal's master side; the rest travels as data (JSON).
type Moved struct {
	// ID is the session's: it keeps it where it moves, so that what partners were
	// allowed for it and their marks of its history still hold there.
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Command []string  `json:"command"`
	Started time.Time `json:"started"`
	Pid     int       `json:"pid"` // the command, leader of its process group
	Cols    int       `json:"cols"`
	Rows    int       `json:"rows"`
	Screen  []byte    `json:"screen"` // a repaint of the screen when it moved
	Paused  bool      `json:"paused"` // sharing was paused (the curtain stays drawn)
	// Scrolled is how many lines had left the top of the screen (vt's numbering): the
	// adopted screen goes on from there.
	Scrolled uint64 `json:"scrolled"`
	// History puts the scrollback (HistoryLines lines, the newest numbered Scrolled-1)
	// into the adopted screen's before Screen repaints it: the window that takes the
	// session back, and partners who join it there, scroll back as before the move.
	History      []byte `json:"history,omitempty"`
	HistoryLines uint64 `json:"history_lines,omitempty"`
	// Private are the ranges of lines [from, to) that scrolled past while sharing was
	// paused: no partner's history gets them where the session moved either.
	Private [][2]uint64 `json:"private,omitempty"`
	Master  *os.File    `json:"-"`
}

// movable is a pseudo-terminal whose master side can be handed to another process (a
// Unix pseudo-terminal; not a Windows pseudo console).
type movable interface {
	// moveOut returns a copy of the master side, then makes a blocked Read return
	// (without closing anything): the command goes on.
	moveOut() (*os.File, error)
}

// Move takes the session out of this process without ending its command: its read loop
// stops (what the command writes from then on waits in the terminal for the next
// reader), every client is told that it moved (CopyTo and a Stream's Read return
// ErrMoved after a line that says so), the session leaves its registry and Done is
// closed. The caller owns the returned Moved and its Master; hand both to another
// process, which adopts the session. The command is no longer waited for here: the
// goroutine that would have waited for it ends with it.
func (s *Session) Move() (*Moved, error) {
	mp, ok := s.pty.(movable)
	if !ok {
		return nil, ErrCannotMove
	}
	s.mu.Lock()
	if s.ended || s.moving {
		s.mu.Unlock()
		return nil, fmt.Errorf("session %s: %w", s.name, ErrSessionEnded)
	}
	s.moving = true
	s.mu.Unlock()
	select {
	case <-s.stop:
		return nil, fmt.Errorf("session %s: %w", s.name, ErrSessionEnded)
	default:
	}
	master, err := mp.moveOut()
	if err != nil {
		s.mu.Lock()
		s.moving = false
		s.mu.Unlock()
		return nil, fmt.Errorf("session %s: move: %w", s.name, err)
	}
	<-s.readDone
	s.mu.Lock()
	m := &Moved{
		ID: s.id, Name: s.name, Command: append([]string(nil), s.command...), Started: s.started, Scrolled: s.screen.Scrolled(),
		Pid: s.pty.Pid(), Cols: s.cols, Rows: s.rows, Screen: s.screen.Repaint(), Paused: s.paused.Load(), Master: master,
	}
	if n := s.screen.ScrollbackLen(); n > 0 {
		m.History, _ = s.screen.AppendHistory(nil, vt.HistoryOptions{Cols: s.cols, Rows: s.rows})
		m.HistoryLines = uint64(n)
	}
	for _, r := range s.private {
		m.Private = append(m.Private, [2]uint64{r.from, r.to})
	}
	s.ended, s.exit = true, Exit{Desc: "moved to another process"}
	msg := s.endMessage(fmt.Sprintf("[duet: session %s moved to a background duet host]", s.name))
	for _, c := range s.clients {
		c.end(msg, ErrMoved)
	}
	s.clients = nil
	s.mu.Unlock()
	close(s.moved)
	s.pty.Close() // this process's copy; the command keeps the terminal
	s.log.Info("session moved", "pid", m.Pid)
	if s.onEnd != nil {
		s.onEnd(s)
	}
	close(s.done)
	return m, nil
}

// Adopt adds a session that moved here from another process (see [Session.Move]): its
// command goes on in its terminal, the screen is as it was when it moved, and what the
// command wrote since is read now. opt gives the logger and the clients' queue size; the
// name, command and size come from m. Adopt takes m.Master over. An adopted command is
// not this process's child: its end is seen when its terminal closes, and its exit
// status is not known.
func (r *Registry) Adopt(m *Moved, opt Options) (*Session, error) {
	if m.Master == nil {
		return nil, errors.New("adopt: no terminal")
	}
	p, err := adoptPTY(m.Master, m.Pid)
	if err != nil {
		m.Master.Close()
		return nil, fmt.Errorf("adopt session %s: %w", m.Name, err)
	}
	opt.Name, opt.Command, opt.Cols, opt.Rows = m.Name, m.Command, m.Cols, m.Rows
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lookupLocked(opt.Name) != nil {
		p.Close()
		return nil, fmt.Errorf("adopt session %s: %w", opt.Name, ErrNameTaken)
	}
	s, err := newSession(opt, r.remove)
	if err != nil {
		p.Close()
		return nil, err
	}
	s.pty, s.started = p, m.Started
	if m.ID != "" {
		s.id = m.ID
	}
	if len(m.History) > 0 && m.HistoryLines <= m.Scrolled {
		// The history's lines leave the screen as they are written: numbered from
		// Scrolled-HistoryLines on, they end at Scrolled, where the repaint goes on.
		s.screen.ContinueScrolled(m.Scrolled - m.HistoryLines)
		s.screen.Write(m.History)
		if got := s.screen.Scrolled(); got != m.Scrolled {
			s.log.Warn("adopted history does not line up", "lines", m.HistoryLines, "scrolled", got, "want", m.Scrolled)
		}
	}
	s.screen.ContinueScrolled(m.Scrolled)
	s.screen.Write(m.Screen)
	for _, r := range m.Private {
		if len(s.private) < maxPrivate && r[0] <= r[1] {
			s.private = append(s.private, lineRange{r[0], r[1]})
		}
	}
	s.paused.Store(m.Paused)
	s.log.Info("session adopted", "pid", m.Pid)
	s.run()
	r.sessions = append(r.sessions, s)
	r.notifyLocked()
	return s, nil
}
