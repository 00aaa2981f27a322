package main

import (
	"fmt"
	"net"
	"strconv"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
)

// The next-free-port rule of `duet host` (and the window): see sessions.Listen.
const (
	defaultPort  = sessions.DefaultPort
	maxPortTries = sessions.MaxPortTries
)

// listen listens on addr; an empty addr means port 2222 on all interfaces, or the next
// free port (sessions.Listen, shared with the window).
func listen(addr string) (net.Listener, error) { return sessions.Listen(addr) }

// printJoinLines tells the host, once it is ready, where it listens, its host key
// fingerprint and how partners join.
func (c *cli) printJoinLines(addr, session, fingerprint string, store *keys.Store) {
	host, port, _ := net.SplitHostPort(addr)
	fmt.Fprintf(c.stdout, "listening on %s\n", addr)
	fmt.Fprintf(c.stdout, "host key %s\n", fingerprint)
	p, _ := strconv.Atoi(port)
	for _, line := range sessions.Share(addr, session, fingerprint).SSHLines {
		fmt.Fprintf(c.stdout, "join: %s\n", line)
	}
	if id, err := store.LoadIdentity(); err == nil {
		fmt.Fprintf(c.stdout, "you:  ssh -i %s -p %d %s@%s\n", id.Path, p, session, sessions.LoopbackFor(host))
	}
}
