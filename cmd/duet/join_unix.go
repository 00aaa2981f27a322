//go:build unix

package main

import (
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/duetpair/duet/sessions/join"
)

// stopSignals end `duet join`.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// followSize sends the terminal's new size to the session whenever it changes
// (SIGWINCH), until the returned func is called.
func (t *joinTerm) followSize(conn *join.Conn) (stop func()) {
	if !t.tty {
		return func() {}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGWINCH)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			case <-ch:
				conn.Resize(t.size())
			}
		}
	})
	return func() {
		signal.Stop(ch)
		close(done)
		wg.Wait()
	}
}
