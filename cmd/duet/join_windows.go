package main

import (
	"errors"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/windows"

	"github.com/duetpair/duet/sessions/join"
)

// stopSignals end `duet join`.
var stopSignals = []os.Signal{os.Interrupt}

// sizePoll is how often `duet join` looks at the console's size: a console tells about
// resizes only in its input records, which raw VT input does not deliver.
const sizePoll = 250 * time.Millisecond

// followSize sends the console's new size to the session whenever it changes, until the
// returned func is called.
func (t *joinTerm) followSize(conn *join.Conn) (stop func()) {
	if !t.tty {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(sizePoll)
		defer tick.Stop()
		cols, rows := t.size()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if c, r := t.size(); c != cols || r != rows {
					cols, rows = c, r
					conn.Resize(cols, rows)
				}
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// termSize returns the size of the console's visible window. It asks the console's
// output (the keyboard handle on fd has no size): standard output, or CONOUT$ when that is
// redirected.
func termSize(int) (cols, rows int, err error) {
	var info windows.ConsoleScreenBufferInfo
	if err = windows.GetConsoleScreenBufferInfo(windows.Handle(os.Stdout.Fd()), &info); err != nil {
		out, oerr := os.OpenFile("CONOUT$", os.O_RDWR, 0)
		if oerr != nil {
			return 0, 0, errors.Join(err, oerr)
		}
		defer out.Close()
		if err = windows.GetConsoleScreenBufferInfo(windows.Handle(out.Fd()), &info); err != nil {
			return 0, 0, err
		}
	}
	w := info.Window
	return int(w.Right-w.Left) + 1, int(w.Bottom-w.Top) + 1, nil
}

// vtOutput lets the console interpret the session's escape sequences (virtual terminal
// processing), and returns the func that puts its mode back.
func vtOutput() (restore func()) {
	h := windows.Handle(os.Stdout.Fd())
	var mode uint32
	if windows.GetConsoleMode(h, &mode) != nil {
		return func() {}
	}
	if windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING|windows.DISABLE_NEWLINE_AUTO_RETURN) != nil {
		return func() {}
	}
	return func() { windows.SetConsoleMode(h, mode) }
}

// openTTY is not available: a console's input takes no read deadline, so `duet join`
// reads standard input.
func openTTY() (*os.File, error) { return nil, errors.ErrUnsupported }
