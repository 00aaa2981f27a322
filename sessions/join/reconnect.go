package join

import (
	"context"
	"fmt"
	"time"
)

// Reconnect backoff: the first attempt after firstBackoff, doubling up to maxBackoff.
const (
	firstBackoff     = 250 * time.Millisecond
	maxBackoff       = 8 * time.Second
	reconnectTimeout = 30 * time.Second // bounds one attempt, handshake included
)

// backoff returns the delay before reconnect attempt n (from 1).
func backoff(n int) time.Duration {
	d := firstBackoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// run owns the connection from Dial to the end: it waits for each link to end, and
// reconnects after a drop.
func (c *Conn) run(l *link) {
	defer c.wg.Done()
	for {
		o := l.wait()
		c.mu.Lock()
		c.link = nil
		c.mu.Unlock()
		switch {
		case c.stopping():
			if !o.final {
				o = outcome{final: true, status: -1, err: ErrConnClosed}
			}
		case !o.final && c.cfg.ReconnectFor < 0:
			o.final = true
		}
		if o.final {
			c.finish(o)
			return
		}
		c.log.Info("connection lost", "err", o.err)
		next, attempt, err := c.reconnect(o.err)
		if err != nil {
			c.finish(outcome{final: true, status: -1, err: err})
			return
		}
		sent, discarded, ok := c.attach(next)
		if !ok {
			c.finish(outcome{final: true, status: -1, err: ErrConnClosed})
			return
		}
		// Only now does Write reach the new link, after what was typed meanwhile: keys
		// typed once "reconnected" shows are not dropped.
		c.notify(Status{State: Reconnected, Attempt: attempt, Sent: sent, Discarded: discarded})
		l = next
	}
}

// finish records how the connection ended, ends the output and wakes Wait.
func (c *Conn) finish(o outcome) {
	c.mu.Lock()
	c.status, c.err = o.status, o.err
	c.mu.Unlock()
	c.log.Info("joined session ended", "status", o.status, "err", o.err)
	c.pw.Close()
	close(c.done)
}

// reconnect tries to connect again, with backoff, until it succeeds, a refusal makes it
// pointless, ReconnectFor passed, or the Conn is closed. It returns the new link and the
// number of attempts it took.
func (c *Conn) reconnect(cause error) (*link, int, error) {
	giveUp := time.Now().Add(orDefault(c.cfg.ReconnectFor, DefaultReconnectFor))
	for attempt := 1; ; attempt++ {
		delay := backoff(attempt)
		c.notify(Status{State: Reconnecting, Attempt: attempt, Delay: delay, Err: cause})
		t := time.NewTimer(delay)
		select {
		case <-c.stop:
			t.Stop()
			return nil, 0, ErrConnClosed
		case <-t.C:
		}
		l, err := c.attempt()
		if err == nil {
			c.log.Info("reconnected", "attempt", attempt)
			return l, attempt, nil
		}
		if c.stopping() {
			return nil, 0, ErrConnClosed
		}
		c.log.Info("reconnect failed", "attempt", attempt, "err", err)
		if isFinal(err) {
			return nil, 0, err
		}
		if time.Now().After(giveUp) {
			return nil, 0, fmt.Errorf("reconnect to %s: gave up after %d attempts: %w", c.addr, attempt, err)
		}
		cause = err
	}
}

// attempt makes one reconnection attempt, bounded in time and ended by Close.
func (c *Conn) attempt() (*link, error) {
	ctx, cancel := context.WithTimeout(context.Background(), reconnectTimeout)
	defer cancel()
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-c.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	defer func() { <-watched }() // runs after cancel: the watcher is gone on return
	defer cancel()
	return c.connect(ctx, false)
}
