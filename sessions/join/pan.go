package join

import "github.com/duetpair/duet/sessions/wire"

// Pan asks a Duet host to move this partner's view of the session dx columns right and
// dy rows down: with the host's size policy, a terminal smaller than the session shows
// the part of it around the cursor (see wire.PanRequest). Other servers, and a host
// that shows the whole session, are not asked; while reconnecting it does nothing.
func (c *Conn) Pan(dx, dy int) error { return c.pan(wire.Pan{DX: dx, DY: dy}) }

// FollowCursor asks a Duet host to let this partner's view follow the cursor again,
// after a Pan.
func (c *Conn) FollowCursor() error { return c.pan(wire.Pan{Follow: true}) }

func (c *Conn) pan(p wire.Pan) error {
	c.mu.Lock()
	l, closed := c.link, c.closed
	c.mu.Unlock()
	if closed {
		return ErrConnClosed
	}
	if l == nil || !l.duet {
		return nil
	}
	_, err := l.ch.SendRequest(wire.PanRequest, false, p.Marshal())
	return err
}
