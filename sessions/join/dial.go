package join

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/sessions/wire"
)

// connect makes one connection: the login (see [login.dial]) and the session channel
// opened. first says whether this is Dial's connection, which may ask the user about an
// unknown host.
func (c *Conn) connect(ctx context.Context, first bool) (*link, error) {
	var ch ssh.Channel
	var chReqs <-chan *ssh.Request
	s, err := c.login.dial(ctx, first, func(client *ssh.Client) error {
		var err error
		ch, chReqs, err = client.OpenChannel("session", nil)
		if err != nil {
			var oce *ssh.OpenChannelError
			if errors.As(err, &oce) {
				return &RefusedError{What: "the session", Reason: oce.Message}
			}
			return fmt.Errorf("join %s: open session: %w", c.addr, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	l := &link{client: s.client, nc: s.nc, ch: ch, reqs: chReqs, hostKey: s.hostKey}
	if string(s.client.ServerVersion()) == wire.ServerVersion {
		l.duet = true
		l.name = c.cfg.Name // only a Duet host is told the name
		l.pair = c.pairFunc()
		l.sized = c.cfg.Sized
	}
	return l, nil
}
