package host

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"

	"github.com/duetpair/duet/sessions/wire"
)

// MaxPortTries bounds the ports [Listen] tries: wire.DefaultPort and the ones after it.
const MaxPortTries = 100

// Listen listens on the TCP address addr. An empty addr means port 2222 on all
// interfaces, or the next free port if that one is taken.
func Listen(addr string) (net.Listener, error) {
	if addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("listen on %s: %w", addr, err)
		}
		return l, nil
	}
	var err error
	for port := wire.DefaultPort; port < wire.DefaultPort+MaxPortTries; port++ {
		var l net.Listener
		l, err = net.Listen("tcp", ":"+strconv.Itoa(port))
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
	}
	return nil, fmt.Errorf("listen on port %d or the next %d: %w", wire.DefaultPort, MaxPortTries-1, err)
}
