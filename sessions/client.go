package sessions

import (
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// AttachOptions describe a client attaching to a session.
type AttachOptions struct {
	// Name says who the client is, for the host ("alice@laptop", a fingerprint).
	Name string
	// Cols and Rows are the client's terminal size; 0 if it has none.
	Cols, Rows int
	// ReadOnly clients cannot type, and never limit the session's size.
	ReadOnly bool
	// MaxClients refuses the client with ErrSessionFull if the session already has this
	// many clients; 0 means no limit.
	MaxClients int
	// Fingerprint is the key the client authenticated with, for what a Tap records; ""
	// for the host's own window.
	Fingerprint string
	// Host marks the host's own client (its window, or its own key joining): it sees the
	// session and may type while sharing is paused.
	Host bool
	// FollowSize marks in the client's output where the session's size changed, for a
	// reader that draws the session at exactly its size (a [Stream]'s ReadSized).
	FollowSize bool
	// History is how many lines of the session's scrollback the client gets before its
	// repaint, into its terminal's own scrollback: 0 none, AllHistory all of it. None
	// that left the screen while sharing was paused is sent to a client other than the
	// host's own, and none at all while the curtain is drawn.
	History int
	// Has is what the client's terminal has of the session's history already (a
	// partner reconnecting): only later lines are sent. A Mark of another session counts
	// as none.
	Has Mark
	// StatusLine keeps the bottom row of the client's terminal for a status line the host
	// writes (Client.SetStatusLine): the session counts the client one row shorter, and
	// the row is drawn into this client's output only (see statusline.go). Notices go
	// there too. A terminal smaller than 20x3 gets none.
	StatusLine bool
	// TellSize has the client's writer tell its output's Link (a [SizeTeller]) the size
	// of the terminal the output is for, before the first output and whenever it
	// changes: the session's, or the client's own while it sees a viewport of a larger
	// session. The output after a change starts with a repaint. It is for a reader that
	// draws the session at exactly its size and shades the rest (a Duet window joined
	// over SSH).
	TellSize bool
}

// sizeMark says that the output from offset at on is for a terminal of cols x rows.
type sizeMark struct{ at, cols, rows int }

// batchBytes is the write size below which a client's writer first lets the reader add
// more output.
const batchBytes = 32 << 10

// Client is one attachment to a session: a terminal somewhere that sees the session's
// output and, unless read-only, types into it. Output is queued for the client and written
// by [Client.CopyTo]; input goes through [Client.Write].
type Client struct {
	s        *Session
	name     string
	fp       string
	host     bool
	budget   int
	follow   bool // marks size changes in its queue (AttachOptions.FollowSize)
	tell     bool // tells its Link the size its output is for (AttachOptions.TellSize)
	status   bool // keeps its bottom row for the status line (AttachOptions.StatusLine)
	readOnly atomic.Bool
	left     atomic.Bool  // detached, kicked or ended: input is refused
	ignored  atomic.Int64 // bytes typed that the session did not take (view only, paused, another drives)

	view *vt.Viewport // guarded by s.mu: what it sees of a larger session, or nil
	// Guarded by s.mu:
	cols, rows int
	statusText string // the status line's text (SetStatusLine)
	noticeText string // a notice shown on the status line instead, for a while (Notice)
	notices    int    // counts notices, so that a stale timer does not take a newer one away

	wake chan struct{} // signals the writer; buffered 1
	gone chan struct{} // closed once ended
	keys chan struct{} // signals a paced writer that the client typed; buffered 1
	news chan struct{} // signals that the client got or lost a view; buffered 1
	// typedAt is when the client last typed (UnixNano), for the echo of a client behind.
	typedAt atomic.Int64

	mu        sync.Mutex // guards the fields below; taken after s.mu when both are held
	pending   []byte     // output not yet written
	marks     []sizeMark // where in pending the session's size changed (follow only)
	tellSize  [2]int     // tell only: the size the output taken next is for
	takenSize [2]int     // tell only: the size the output taken last is for
	overflow  bool       // pending output was dropped: a repaint is due
	viewDue   bool       // the screen changed: a client with a view gets it drawn again
	mark      Mark       // the history the client's terminal has once pending is written
	taken     Mark       // the same for what the writer took last
	ended     bool       // no more output will come; the writer returns once pending is out
	endErr    error      // what CopyTo returns once ended
	drops     int        // how often the queue overflowed, or the client fell behind

	noticeTimer *time.Timer // takes a notice away (see Notice); stopped when the client leaves
	statusDue   bool        // the status line is to be drawn after pending (statusline.go)
	// shadow is what a paced client's terminal shows while it is behind (it gets
	// updates of the screen instead of output; see copyPaced), nil otherwise; grounded
	// says the screen was between escape sequences when the latest update was taken, so
	// output after it can go as it is.
	shadow   *vt.Screen
	grounded bool
	link     Link // what copyPaced writes to, if it runs

	scratch []byte // s.mu: reused for repaints and status lines
}

// Attach attaches a client: its queue starts with a repaint of the current screen, then
// gets every byte of output from then on. The caller runs [Client.CopyTo] to write the
// output somewhere and calls [Client.Detach] when the client leaves.
func (s *Session) Attach(opt AttachOptions) (*Client, error) {
	c := &Client{
		s:      s,
		name:   opt.Name,
		fp:     opt.Fingerprint,
		host:   opt.Host,
		budget: s.queueBytes,
		wake:   make(chan struct{}, 1),
		follow: opt.FollowSize,
		gone:   make(chan struct{}),
		keys:   make(chan struct{}, 1),
		news:   make(chan struct{}, 1),
		status: opt.StatusLine,
		tell:   opt.TellSize,
	}
	c.cols, c.rows = clampSize(opt.Cols, opt.Rows)
	c.readOnly.Store(opt.ReadOnly)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return nil, ErrSessionEnded
	}
	if opt.MaxClients > 0 && len(s.clients) >= opt.MaxClients {
		return nil, ErrSessionFull
	}
	s.clients = append(s.clients, c)
	s.resizeLocked()
	c.overflow = false // the first output is below, whatever resizing marked
	switch {
	case s.paused.Load() && !c.host:
		c.pending = c.appendScreen(nil) // the curtain (and the status line)
		c.mark = Mark{Session: s.id, Lines: s.screen.Scrolled()}
	case c.view != nil:
		c.pending = c.appendView(c.appendHistory(nil, opt), true)
	default:
		c.pending = c.appendScreen(c.appendHistory(nil, opt))
	}
	c.statusDue = false // the status line is drawn with the first output, if it has one
	if c.follow {
		c.marks = []sizeMark{{0, s.cols, s.rows}} // the repaint is at the session's size
	}
	c.retell()
	s.notifyLocked() // someone came
	s.log.Info("client attached", "clients", len(s.clients))
	return c, nil
}

// Name returns the name the client attached with.
func (c *Client) Name() string { return c.name }

// Fingerprint returns the key fingerprint the client attached with ("" for the host's
// window).
func (c *Client) Fingerprint() string { return c.fp }

// Session returns the session the client is attached to.
func (c *Client) Session() *Session { return c.s }

// ReadOnly reports whether the client's input is dropped.
func (c *Client) ReadOnly() bool { return c.readOnly.Load() }

// SetReadOnly changes whether the client may type; the session's size follows.
func (c *Client) SetReadOnly(ro bool) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	was := c.statusRow()
	c.readOnly.Store(ro)
	c.s.resizeLocked()
	c.s.checkDriverLocked()
	c.s.notifyLocked()
	if c.statusRow() != was {
		c.markOverflow() // the status line comes or goes with a repaint
	}
}

// Size returns the client's terminal size, as it last said (0x0: it has none).
func (c *Client) Size() (cols, rows int) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.cols, c.rows
}

// Resize records the client's terminal size; the session's size follows.
func (c *Client) Resize(cols, rows int) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	oldCols, oldRows := c.cols, c.rows
	c.cols, c.rows = clampSize(cols, rows)
	if !c.s.resizeLocked() && c.status && (c.cols != oldCols || c.rows != oldRows) {
		// A resized terminal forgets its scroll region: the status line and the screen
		// come back with a repaint (a resize of the session repaints them anyway).
		c.markOverflow()
	}
}

// Drops returns how often the client's queue overflowed and was replaced by a repaint.
func (c *Client) Drops() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.drops
}

// Ignored returns how many bytes the client typed that the session did not take
// because it was view only or sharing was paused.
func (c *Client) Ignored() int64 { return c.ignored.Load() }

// Write types p into the session, unless the client is read-only: then p is dropped here,
// on the host. Once the client was detached or kicked it types nothing and returns
// ErrDetached; once the command ended, ErrSessionEnded.
func (c *Client) Write(p []byte) (int, error) {
	if c.left.Load() {
		return 0, ErrDetached
	}
	if c.readOnly.Load() || (c.s.paused.Load() && !c.host) || !c.Drives() {
		c.ignored.Add(int64(len(p)))
		return len(p), nil
	}
	// Whether the keys answer a password prompt is decided before the program can read
	// them (and turn echo back on).
	record := c.s.recordsInput()
	n, err := c.s.input(p)
	if n > 0 && record {
		c.s.tapInput(Who{Name: c.name, Fingerprint: c.fp}, p[:n])
	}
	if n > 0 {
		c.typed()
	}
	return n, err
}

// Detach takes the client off the session: no more output is queued, and CopyTo returns
// nil as soon as a write in progress returns. The session goes on.
func (c *Client) Detach() {
	c.leave(nil, nil)
}

// Kick takes the client off the session like Detach, but CopyTo first writes msg (one
// line, say why) in place of anything still queued.
func (c *Client) Kick(msg string) {
	if msg == "" {
		c.leave(nil, nil)
		return
	}
	c.leave([]byte("\r\n"+msg+"\r\n"), nil)
}

func (c *Client) leave(msg []byte, err error) {
	c.left.Store(true) // first: no keystroke gets through from now on
	s := c.s
	s.mu.Lock()
	if len(msg) > 0 {
		msg = append(c.clearStatus(), msg...)
	}
	for i, o := range s.clients {
		if o == c {
			s.clients = append(s.clients[:i], s.clients[i+1:]...)
			s.resizeLocked()
			s.checkDriverLocked()
			s.notifyLocked() // someone left
			s.log.Info("client left", "clients", len(s.clients))
			break
		}
	}
	s.mu.Unlock()
	c.mu.Lock()
	if !c.ended {
		c.pending = append(c.pending[:0], msg...)
		c.ended, c.endErr, c.overflow = true, err, false
		close(c.gone)
	}
	if c.noticeTimer != nil {
		c.noticeTimer.Stop()
	}
	c.mu.Unlock()
	c.signal()
}

// enqueue queues output. It runs on the session's reader with s.mu held, and never waits
// for the client. A client behind keeps only a little: it gets an update instead.
func (c *Client) enqueue(p []byte) {
	c.mu.Lock()
	switch {
	case c.ended || c.overflow:
	case c.shadow != nil && len(c.pending)+len(p) > rawWhileBehind:
		c.pending, c.overflow = c.pending[:0], true
	case len(c.pending)+len(p) > c.budget:
		c.pending, c.marks, c.overflow = c.pending[:0], nil, true
		c.drops++
	default:
		c.pending = append(c.pending, p...)
		c.mark.Lines = c.s.screen.Scrolled()
	}
	c.mu.Unlock()
	c.signal()
}

// enqueueFitted queues output fitted to a client with a status line (fitRows); damaged
// says the status line must be drawn again after it. s.mu is held.
func (c *Client) enqueueFitted(p []byte, damaged bool) {
	c.enqueue(p)
	if damaged {
		c.statusLater()
	}
}

// appendScreen appends what a client is shown of the session from scratch: a repaint of
// the screen, or the curtain while sharing is paused, fitted to its status line if it
// has one, which follows. s.mu is held.
func (c *Client) appendScreen(dst []byte) []byte {
	s := c.s
	var screen []byte
	if s.paused.Load() && !c.host {
		screen = curtainScreen(s.cols, s.rows)
	} else {
		screen = s.screen.AppendRepaint(c.scratch[:0])
	}
	if c.statusRow() == 0 {
		dst = append(dst, screen...)
	} else {
		fitted, _, _ := fitRows(nil, screen, s.rows)
		dst = c.appendStatus(append(dst, fitted...))
	}
	if cap(screen) <= 256<<10 {
		c.scratch = screen[:0]
	}
	return dst
}

// replace makes p all the client has pending (the curtain), dropping what it missed; s.mu
// is held.
func (c *Client) replace(p []byte) {
	if c.statusRow() > 0 {
		fitted, _, _ := fitRows(nil, p, c.s.rows)
		p = c.appendStatus(fitted)
	}
	c.mu.Lock()
	if !c.ended {
		c.pending = append(c.pending[:0], p...)
		c.overflow, c.statusDue = false, false
		if c.follow {
			c.marks = []sizeMark{{0, c.s.cols, c.s.rows}} // p is at the session's size
		}
		c.shadow = nil // the curtain goes as it is, never as an update of the screen
	}
	c.mu.Unlock()
	c.signal()
}

// markOverflow makes the client's writer repaint the screen next, as after an overflow;
// s.mu is held.
func (c *Client) markOverflow() {
	c.mu.Lock()
	if !c.ended {
		c.pending, c.marks, c.overflow = c.pending[:0], nil, true
	}
	c.mu.Unlock()
	c.signal()
}

// markSize records that the output queued from now on is for a terminal of cols x rows;
// it runs with s.mu held, for clients that follow the size.
func (c *Client) markSize(cols, rows int) {
	c.mu.Lock()
	if !c.ended && !c.overflow { // a repaint due carries the size anyway
		c.marks = append(c.marks, sizeMark{len(c.pending), cols, rows})
	}
	c.mu.Unlock()
	c.signal()
}

// end queues the session's last words and ends the client; s.mu is held.
func (c *Client) end(msg []byte, err error) {
	if clear := c.clearStatus(); clear != nil {
		msg = append(clear, msg...)
	}
	c.mu.Lock()
	if !c.ended {
		if c.overflow {
			c.pending, c.overflow = c.pending[:0], false
		}
		c.pending = append(c.pending, msg...)
		c.ended, c.endErr = true, err
		close(c.gone)
	}
	if c.noticeTimer != nil {
		c.noticeTimer.Stop()
	}
	c.mu.Unlock()
	c.signal()
}

func (c *Client) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// CopyTo writes the client's output to w until the client is detached (nil), kicked
// (nil, after the message), the session ends (*ExitError, after a one-line exit message)
// or a write fails (that error). One goroutine per client runs it; a slow w slows this
// client only. A w that is a [Link] is paced: a client that falls behind gets the current
// screen, not the backlog.
func (c *Client) CopyTo(w io.Writer) error {
	if l, ok := w.(Link); ok {
		return c.copyPaced(l)
	}
	var buf []byte
	var told Mark
	for {
		var err error
		var done bool
		buf, _, done, err = c.next(buf[:0])
		if len(buf) > 0 {
			if _, werr := w.Write(buf); werr != nil {
				c.Detach()
				return werr
			}
			c.markTo(w, &told)
		}
		if done {
			return err
		}
		// Do not keep a large buffer around for a client that is mostly idle.
		if cap(buf) > 256<<10 && len(buf) < cap(buf)/4 {
			buf = nil
		}
	}
}

// next waits for output and swaps it into buf, with where in it the session's size
// changed (for clients that follow it); done is set when the client has ended and buf
// holds its last output.
func (c *Client) next(buf []byte) (out []byte, marks []sizeMark, done bool, err error) {
	yielded := false
	for {
		c.mu.Lock()
		if c.overflow && !c.ended {
			c.mu.Unlock()
			out, marks = c.repaint(buf)
			return out, marks, false, nil
		}
		if c.viewDue && !c.ended {
			c.mu.Unlock()
			if out, ok := c.drawView(buf); ok {
				return out, nil, false, nil
			}
			continue
		}
		if n := len(c.pending); n > 0 && n < batchBytes && !c.ended && !yielded {
			// Let the reader add what it has before writing a small piece: under load
			// this packs output into fewer, larger writes; when idle it costs nothing.
			c.mu.Unlock()
			runtime.Gosched()
			yielded = true
			continue
		}
		if c.statusDue && !c.ended {
			c.mu.Unlock()
			return c.takeWithStatus(buf), nil, false, nil
		}
		if len(c.pending) > 0 || len(c.marks) > 0 {
			out, c.pending = c.pending, buf
			marks, c.marks = c.marks, nil
			c.taken = c.mark
			c.mu.Unlock()
			return out, marks, false, nil
		}
		if c.ended {
			c.mu.Unlock()
			return buf, nil, true, c.endErr
		}
		c.mu.Unlock()
		<-c.wake
	}
}

// repaint replaces what the client missed with a repaint of the screen as it is now (and,
// for a client that follows the size, the size it is at).
func (c *Client) repaint(buf []byte) ([]byte, []sizeMark) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.overflow || c.ended {
		return buf, nil
	}
	c.overflow, c.statusDue = false, false
	c.pending, c.marks = c.pending[:0], nil
	c.skipped() // what scrolled past meanwhile is not sent
	var marks []sizeMark
	if c.follow {
		marks = []sizeMark{{0, c.s.cols, c.s.rows}}
	}
	if c.view != nil {
		return c.appendView(buf, true), marks
	}
	return c.appendScreen(buf), marks // the curtain while sharing is paused, never the screen
}
