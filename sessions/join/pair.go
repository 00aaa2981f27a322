package join

import (
	"errors"

	"github.com/duetpair/duet/sessions/wire"
)

// Pairing for a Duet window (Config.Pair): on a Duet host, the Conn says hello before
// the shell, so that the host draws no status line into its terminal (the window shows
// who is here itself), and hands the window every pair message the host sends: who is
// here, chat lines, points. The window sends its own with [Conn.SendPair]. Other SSH
// servers are never sent any.

// ErrPairRefused is returned by SendPair when the host did not take the message: not
// allowed (a view-only partner setting the call link, handing over control it does not
// hold), too many at once, or not a Duet host.
var ErrPairRefused = errors.New("the host did not take it")

// pairFunc returns the function a link hands pair messages to: Config.Pair, never
// called concurrently (links follow one another, but a dropped one may still be
// finishing).
func (c *Conn) pairFunc() func(wire.Message) {
	if c.cfg.Pair == nil {
		return nil
	}
	return func(m wire.Message) {
		c.pairMu.Lock()
		defer c.pairMu.Unlock()
		c.cfg.Pair(m)
	}
}

// SendPair sends the host a pair message (a chat line, a point, a request about
// control, the call link) and waits for its answer: nil if it took it, ErrPairRefused if
// not, ErrDisconnected while reconnecting, ErrConnClosed once the Conn ended. Call it off
// the UI goroutine: it waits for a round trip.
func (c *Conn) SendPair(m wire.Message) error {
	p, err := wire.MarshalMessage(m)
	if err != nil {
		return err
	}
	l, err := c.upLink()
	if err != nil {
		return err
	}
	if l.pair == nil {
		return ErrPairRefused
	}
	ok, err := l.ch.SendRequest(wire.PairRequest, true, p)
	switch {
	case err != nil:
		return ErrDisconnected
	case !ok:
		return ErrPairRefused
	}
	return nil
}
