package sessions

import (
	"runtime"
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// copyPaced is CopyTo for a Link: output as it comes while the link keeps up, and the
// current screen, as updates (terminal/vt's AppendUpdate), while it does not.
func (c *Client) copyPaced(l Link) error {
	c.mu.Lock()
	c.link = l
	c.mu.Unlock()
	var f flow
	var buf []byte
	var told Mark
	var toldSize [2]int
	tellSize := func() { // before output: the size it is for, if that changed
		if size, changed := c.sizeToTell(&toldSize); changed {
			if st, ok := l.(SizeTeller); ok {
				st.TellSize(size[0], size[1])
			}
		}
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if !c.waitOutput() {
			// Ended: what is left goes out whatever the link.
			out, _, err := c.takePaced(buf[:0], &f, l.Progress(), time.Now())
			if len(out) > 0 {
				tellSize()
				if _, werr := l.Write(out); werr != nil {
					return werr
				}
			}
			return err
		}
		p := l.Progress()
		f.see(p)
		now := time.Now()
		if ok, wait := f.ready(p, now, c.budget, c.isBehind(), c.lastTyped()); !ok {
			var tc <-chan time.Time
			if wait > 0 {
				if timer == nil {
					timer = time.NewTimer(wait)
				} else {
					timer.Reset(wait)
				}
				tc = timer.C
			}
			select {
			case <-l.Acked():
			case <-tc:
			case <-c.keys:
			case <-c.gone:
			}
			if timer != nil && tc != nil && !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			continue
		}
		out, update, err := c.takePaced(buf[:0], &f, p, now)
		if len(out) > 0 {
			tellSize()
			if _, werr := l.Write(out); werr != nil {
				c.Detach()
				return werr
			}
			c.markTo(l, &told)
			if update {
				f.wrote(l.Progress().Written, time.Now())
			}
		}
		if err != nil || c.isDone() {
			return err
		}
		buf = out
		if cap(buf) > 256<<10 {
			buf = nil
		}
	}
}

// typed records that the client typed, for its writer (and for who is typing).
func (c *Client) typed() {
	now := time.Now().UnixNano()
	c.typingNews(c.typedAt.Swap(now), now)
	select {
	case c.keys <- struct{}{}:
	default:
	}
}

// lastTyped returns when the client last typed; the zero time if it never did.
func (c *Client) lastTyped() time.Time {
	if t := c.typedAt.Load(); t != 0 {
		return time.Unix(0, t)
	}
	return time.Time{}
}

// RoundTrip returns the smallest recent round trip to the client's terminal when its
// output goes to a [Link] (a partner's SSH channel); 0 otherwise, or before it is known.
func (c *Client) RoundTrip() time.Duration {
	c.mu.Lock()
	l := c.link
	c.mu.Unlock()
	if l == nil {
		return 0
	}
	return l.Progress().MinRTT
}

// waitOutput waits until the client has output to send; false once it ended.
func (c *Client) waitOutput() bool {
	yielded := false
	for {
		c.mu.Lock()
		n, over, ended, due := len(c.pending), c.overflow, c.ended, c.viewDue || c.statusDue
		c.mu.Unlock()
		switch {
		case ended:
			return false
		case over || due:
			return true
		case n > 0 && n < batchBytes && !yielded:
			// As in next: let the reader add what it has first.
			runtime.Gosched()
			yielded = true
		case n > 0:
			return true
		default:
			<-c.wake
		}
	}
}

// isBehind reports whether the client gets updates of the screen.
func (c *Client) isBehind() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.shadow != nil
}

// isDone reports whether the client ended and its last output was taken.
func (c *Client) isDone() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ended && len(c.pending) == 0
}

// takeAsItIs takes the output as it came, if the client ended or keeps up; ok is false
// if it gets an update (or a repaint) instead, or if its status line is due and the
// session's lock is not held (locked). c.mu is held.
func (c *Client) takeAsItIs(buf []byte, f *flow, p Progress, now time.Time, locked bool) (out []byte, ok bool, err error) {
	defer func() {
		if ok {
			c.takenSize = c.tellSize // what it takes is for that size (see sizeToTell)
		}
	}()
	switch {
	case c.ended:
		out, c.pending = c.pending, buf[:0]
		c.taken = c.mark
		return out, true, c.endErr
	case c.shadow != nil, c.statusDue && !locked:
		return nil, false, nil
	}
	curtain := c.s.paused.Load() && !c.host // what is pending is the curtain, or nothing
	if c.overflow || !curtain && f.lag(p, now, c.budget, len(c.pending)) > lagLimit {
		return nil, false, nil
	}
	// Keeping up: the output as it is, as much as the window takes.
	n := len(c.pending)
	if room := f.window(p, now, c.budget) - (p.Written - p.Acked); room < int64(n) {
		n = max(int(room), min(n, batchBytes))
	}
	if n == len(c.pending) {
		out, c.pending = c.pending, buf[:0]
		c.taken = c.mark
		if locked {
			out = c.statusAfterLocked(out)
		}
	} else {
		out = append(buf[:0], c.pending[:n]...)
		c.pending = append(c.pending[:0], c.pending[n:]...)
	}
	return out, true, nil
}

// takePaced takes the output to write now into buf: what came, or an update of the
// screen when the client is behind. update says which; err is set once the client
// ended (with its last output in out).
func (c *Client) takePaced(buf []byte, f *flow, p Progress, now time.Time) (out []byte, update bool, err error) {
	c.mu.Lock()
	due := (c.viewDue || c.overflow) && !c.ended
	c.mu.Unlock()
	if due {
		if out, ok := c.drawView(buf); ok {
			return out, true, nil
		}
	}
	// Output as it is needs the client's lock only, not the session's: the reader goes on.
	c.mu.Lock()
	out, ok, err := c.takeAsItIs(buf, f, p, now, false)
	c.mu.Unlock()
	if ok {
		return out, false, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	// Under both locks, whatever is taken below: the size it is for (see sizeToTell).
	defer func() { c.takenSize = c.tellSize }()
	if out, ok, err := c.takeAsItIs(buf, f, p, now, true); ok { // it may have changed meanwhile
		return out, false, err
	}
	if c.overflow && s.paused.Load() && !c.host {
		// A repaint is due behind the curtain (a resize, a notice gone): the curtain
		// again, as it is.
		c.overflow, c.statusDue = false, false
		return c.appendScreen(buf), false, nil
	}
	if c.shadow == nil {
		// Behind: the current screen instead of the backlog (CAN first: the last output
		// may have stopped inside an escape sequence), and updates from now on.
		c.drops++
		cols, rows := s.screen.Size()
		c.shadow = vt.New(cols, rows, vt.Options{Scrollback: -1})
		out = s.screen.AppendRepaint(append(buf, 0x18))
		c.shadow.Write(out)
		out = c.fitToStatusLine(out)
		c.pending, c.overflow = c.pending[:0], false
		c.grounded = s.screen.Ground()
		c.skipped()
		return out, true, nil
	}
	if !c.overflow && c.grounded && len(c.pending) <= rawWhileBehind && f.lag(p, now, c.budget, 0) < lagLimit/2 {
		// A little output (an echo) goes as it is, and the model follows.
		out = append(buf, c.pending...)
		c.shadow.Write(out) // fitted output, which means the same to a model of the session's size
		c.pending = c.pending[:0]
		c.taken = c.mark
		out = c.statusAfterLocked(out)
		if now.Sub(f.lastUpdate) > caughtUp {
			c.shadow = nil // caught up: output as it is from now on
		}
		return out, false, nil
	}
	out = c.fitToStatusLine(s.screen.AppendUpdate(buf, c.shadow))
	c.pending, c.overflow = c.pending[:0], false
	c.grounded = s.screen.Ground()
	c.skipped()
	return out, true, nil
}

// skipped records that the client's terminal got the screen as it is now instead of the
// output: the lines that scrolled past meanwhile are not in its scrollback, and it has
// the history up to now. s.mu and c.mu are held.
func (c *Client) skipped() {
	c.mark.Lines = c.s.screen.Scrolled()
	c.taken = c.mark
}
