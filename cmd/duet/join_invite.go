package main

import (
	"fmt"

	"github.com/duetpair/duet/sessions/join"
)

// printInvites prints, for every address partners can reach the host on, the invite
// that `duet join` (or the window) takes: it pins the host key, so nobody is asked
// about it.
func (c *cli) printInvites(addr, session, fingerprint string) {
	for _, inv := range join.Share(addr, session, fingerprint).Invites {
		fmt.Fprintf(c.stdout, "invite: %s\n", inv)
	}
}
