package main

import (
	"os"

	"github.com/duetpair/duet/sessions/join"
)

// stopSignals end `duet join`.
var stopSignals = []os.Signal{os.Interrupt}

// followSize does nothing yet: Windows has no SIGWINCH (the console's size events would
// need ReadConsoleInput).
func (t *joinTerm) followSize(conn *join.Conn) (stop func()) {
	return func() {}
}
