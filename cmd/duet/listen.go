package main

import (
	"fmt"
	"net"
	"strconv"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/join"
	"github.com/duetpair/duet/sessions/wire"
)

// The next-free-port rule of `duet host` (and the window): see host.Listen.
const (
	defaultPort  = wire.DefaultPort
	maxPortTries = host.MaxPortTries
)

// listen listens on addr; an empty addr means port 2222 on all interfaces, or the next
// free port (host.Listen, shared with the window).
func listen(addr string) (net.Listener, error) { return host.Listen(addr) }

// printJoinLines tells the host, once it is ready, where it listens, its host key
// fingerprint and how partners join.
func (c *cli) printJoinLines(addr, session, fingerprint string, store *keys.Store) {
	host, port, _ := net.SplitHostPort(addr)
	fmt.Fprintf(c.stdout, "listening on %s\n", addr)
	fmt.Fprintf(c.stdout, "host key %s\n", fingerprint)
	p, _ := strconv.Atoi(port)
	for _, line := range join.Share(addr, session, fingerprint).SSHLines {
		fmt.Fprintf(c.stdout, "join: %s\n", line)
	}
	if id, err := store.LoadIdentity(); err == nil {
		fmt.Fprintf(c.stdout, "you:  ssh -i %s -p %d %s@%s\n", id.Path, p, session, join.LoopbackFor(host))
	}
}
