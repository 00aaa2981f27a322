package sessions

import (
	"fmt"

	"github.com/duetpair/duet/terminal/vt"
)

// SizePolicy is how a session picks its size from its clients'.
type SizePolicy uint8

const (
	// SizeSmallest makes the session as small as the smallest rows and columns among the
	// clients that may type: everyone sees all of it.
	SizeSmallest SizePolicy = iota
	// SizeHost gives the session the host's size: that of the host's own clients
	// (AttachOptions.Host) that may type, the smallest of them; without one, the largest
	// of the clients that may type. A client whose terminal is smaller sees a viewport
	// of the session that follows the cursor (as tmux's refresh-client -c), which its
	// user may pan ([Client.Pan]).
	SizeHost
)

func (p SizePolicy) String() string {
	switch p {
	case SizeSmallest:
		return "smallest"
	case SizeHost:
		return "host"
	}
	return fmt.Sprintf("SizePolicy(%d)", uint8(p))
}

// ParseSizePolicy reads a policy as String writes it.
func ParseSizePolicy(s string) (SizePolicy, error) {
	switch s {
	case "smallest":
		return SizeSmallest, nil
	case "host":
		return SizeHost, nil
	}
	return 0, fmt.Errorf("size policy %q: want smallest or host", s)
}

// SetSizePolicy changes the size policy; the size follows at once.
func (s *Session) SetSizePolicy(p SizePolicy) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.policy = p
	s.resizeLocked()
	s.updateViewsLocked()
}

// SizePolicy returns the size policy.
func (s *Session) SizePolicy() SizePolicy {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.policy
}

// policySize returns the size the policy gives the session now (0, 0: keep it). s.mu
// is held.
func (s *Session) policySize() (cols, rows int) {
	pick := func(host, largest bool) (int, int) {
		cols, rows := 0, 0
		for _, c := range s.clients {
			cr := c.sessionRows() // a row less for a status line
			if c.readOnly.Load() || c.cols <= 0 || cr <= 0 || (host && !c.host) {
				continue
			}
			if cols == 0 || (c.cols < cols) != largest {
				cols = c.cols
			}
			if rows == 0 || (cr < rows) != largest {
				rows = cr
			}
		}
		return cols, rows
	}
	if s.policy == SizeHost {
		if cols, rows := pick(true, false); cols > 0 {
			return cols, rows
		}
		return pick(false, true)
	}
	return pick(false, false)
}

// viewing reports whether c should see a viewport of the session: its terminal is
// smaller than the session in either direction (counting a status line's row for a
// client that may type; a view-only one has it only below a view or in spare rows, see
// statusRow), and it is not the host's window (which draws the session at its size
// itself). s.mu is held.
func (c *Client) viewing() bool {
	rows := c.rows
	if !c.readOnly.Load() {
		rows = c.sessionRows() // a view-only client's status line only takes room it has spare
	}
	return !c.follow && c.cols > 0 && c.rows > 0 && (c.cols < c.s.cols || rows < c.s.rows)
}

// updateViewsLocked gives a viewport to every client that now needs one and takes it
// from those that no longer do (they get a repaint). s.mu is held.
func (s *Session) updateViewsLocked() {
	for _, c := range s.clients {
		c.updateView()
	}
}

// updateView gives c a viewport if it needs one now, or takes it away; a client that
// keeps one gets it resized to its terminal. s.mu is held.
func (c *Client) updateView() {
	need := c.viewing()
	if need != (c.view != nil) {
		defer c.tellView()
	}
	defer c.retell() // the size its output is for: the view's, or the session's
	switch {
	case need && c.view == nil:
		c.view = vt.NewViewport(c.cols, c.sessionRows()) // above its status line, if it has one
		c.mu.Lock()
		c.shadow = nil // a viewport is drawn from the screen, never as an update
		c.mu.Unlock()
		c.markOverflow() // what is queued is for the session's size: a full view instead
	case need:
		if c.view.Cols != c.cols || c.view.Rows != c.sessionRows() {
			c.view.Resize(c.cols, c.sessionRows())
			c.markOverflow()
		}
	case c.view != nil:
		c.view = nil
		c.markOverflow() // the session fits the terminal again: a repaint
	}
}

// tellView signals ViewNews.
func (c *Client) tellView() {
	select {
	case c.news <- struct{}{}:
	default:
	}
}

// ViewNews receives a value (it is buffered, one deep) when the client got a view of
// the session or lost it (see View): its terminal became smaller than the session, or
// the session its size again.
func (c *Client) ViewNews() <-chan struct{} { return c.news }

// viewChanged notes that the screen changed for a client with a viewport: its writer
// draws the view again. s.mu is held.
func (c *Client) viewChanged() {
	c.mu.Lock()
	if !c.ended {
		c.viewDue = true
	}
	c.mu.Unlock()
	c.signal()
}

// appendView appends the client's view of the screen, or the curtain while sharing is
// paused. full redraws all of it (after a repaint was due). s.mu and c.mu are held.
func (c *Client) appendView(buf []byte, full bool) []byte {
	c.viewDue = false
	if c.s.paused.Load() && !c.host {
		c.view.Redraw() // the curtain goes over it
		if full {
			buf = append(buf, curtainScreen(min(c.cols, c.s.cols), min(c.view.Rows, c.s.rows))...)
			return c.viewStatus(buf, true)
		}
		return buf
	}
	if full {
		c.view.Redraw()
	}
	buf = c.s.screen.AppendViewport(buf, c.view)
	return c.viewStatus(buf, full)
}

// viewStatus appends the client's status line below its view when it is due, or when
// the view was drawn in full (which clears the whole terminal). s.mu and c.mu are held.
func (c *Client) viewStatus(buf []byte, full bool) []byte {
	if c.statusRow() == 0 || !full && !c.statusDue {
		return buf
	}
	c.statusDue = false
	return c.appendStatus(buf)
}

// drawView takes what a client with a view gets now: what is queued for it (a notice,
// its last words), then its view drawn again. It reports false, with nothing taken, if
// the client has no view (any more). s.mu and c.mu are taken.
func (c *Client) drawView(buf []byte) ([]byte, bool) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.view == nil {
		c.viewDue = false
		return buf, false
	}
	out := append(buf, c.pending...)
	c.pending = c.pending[:0]
	c.takenSize = c.tellSize
	out = c.appendView(out, c.overflow)
	c.overflow = false
	c.skipped() // its scrollback gets none of what scrolled past
	return out, true
}

// Pan moves the client's view of the session dx columns right and dy rows down, when
// its terminal is smaller than the session (see SizeHost); the cursor no longer moves
// it until [Client.Follow]. It reports whether the client has a view to pan.
func (c *Client) Pan(dx, dy int) bool {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.view == nil {
		return false
	}
	s.screen.PlaceViewport(c.view) // from where it is now
	c.view.Pan(dx, dy)
	s.screen.PlaceViewport(c.view)
	c.viewChanged()
	return true
}

// Follow makes the client's view follow the cursor again (see Pan).
func (c *Client) Follow() {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.view != nil {
		c.view.Follow()
		s.screen.PlaceViewport(c.view)
		c.viewChanged()
	}
}

// View returns where the client's view of the session is and how large, and whether it
// has one (its terminal is smaller than the session).
func (c *Client) View() (x, y, cols, rows int, ok bool) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.view == nil {
		return 0, 0, 0, 0, false
	}
	return c.view.X, c.view.Y, c.view.Cols, c.view.Rows, true
}
