package join

import (
	"sync"
	"time"
)

// DefaultHandshakeTimeout bounds a login's SSH handshake and its setup (opening the
// session, asking for the forward): a server that never sends its version line, or stops
// answering half way, is given up on. The time the user takes to answer a question (a
// host key, a passphrase) does not count.
const DefaultHandshakeTimeout = 30 * time.Second

// handshakeClock cuts a connection whose handshake takes longer than its timeout. It
// stops while the user is asked something and starts again, in full, after.
type handshakeClock struct {
	d time.Duration

	mu      sync.Mutex // guards the fields below
	t       *time.Timer
	paused  int
	stopped bool
}

// startClock starts a clock that calls cut once d has passed.
func startClock(d time.Duration, cut func()) *handshakeClock {
	return &handshakeClock{d: d, t: time.AfterFunc(d, cut)}
}

// pause stops the clock until the returned func is called (pauses nest).
func (c *handshakeClock) pause() (resume func()) {
	if c == nil {
		return func() {}
	}
	c.mu.Lock()
	if c.paused == 0 && !c.stopped {
		c.t.Stop()
	}
	c.paused++
	c.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.paused--; c.paused == 0 && !c.stopped {
				c.t.Reset(c.d)
			}
		})
	}
}

// stop ends the clock: the handshake is over.
func (c *handshakeClock) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	c.t.Stop()
}
