//go:build unix

package main

import (
	"os"
	"os/signal"
	"sync"
	"syscall"

	"golang.org/x/term"

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

// termSize returns the size of the terminal on fd.
func termSize(fd int) (cols, rows int, err error) { return term.GetSize(fd) }

// vtOutput does nothing: Unix terminals take escape sequences as they are.
func vtOutput() (restore func()) { return func() {} }

// openTTY opens the process's terminal apart from standard input.
func openTTY() (*os.File, error) { return os.Open("/dev/tty") }
