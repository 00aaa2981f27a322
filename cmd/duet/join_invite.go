package main

import (
	"fmt"
	"net"
	"strconv"

	"github.com/duetpair/duet/sessions"
)

// printInvites prints, for every address partners can reach the host on, the invite
// that `duet join` (or the window) takes: it pins the host key, so nobody is asked
// about it.
func (c *cli) printInvites(addr, session, fingerprint string) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return
	}
	for _, ip := range joinAddrs(host) {
		fmt.Fprintf(c.stdout, "invite: %s\n", sessions.Invite(session, ip, port, fingerprint))
	}
}
