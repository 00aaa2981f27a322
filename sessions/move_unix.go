//go:build !windows

package sessions

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"time"
)

// moveOut returns a pollable copy of the master side and makes a blocked Read return
// (a deadline in the past), closing nothing: the command keeps its terminal.
func (p *unixPTY) moveOut() (*os.File, error) { return moveOut(p.master) }

// moveOut lets an adopted session move on again (back to the window, say).
func (p *adoptedPTY) moveOut() (*os.File, error) { return moveOut(p.master) }

func moveOut(master *os.File) (*os.File, error) {
	f, err := dupFile(master)
	if err != nil {
		return nil, err
	}
	if err := master.SetReadDeadline(time.Unix(1, 0)); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// dupFile returns a copy of f's descriptor (close-on-exec, non-blocking, on the poller),
// through SyscallConn so that f stays non-blocking.
func dupFile(f *os.File) (*os.File, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var c *os.File
	var cerr error
	if err := rc.Control(func(fd uintptr) { c, cerr = copyFD(int(fd)) }); err != nil {
		return nil, err
	}
	return c, cerr
}

// adoptedPTY is a command that moved here in its pseudo-terminal: this process has the
// master side, but the command is not its child. Its end is seen when the terminal
// closes (every process that had it open ended) or the process is gone.
type adoptedPTY struct {
	master  *os.File
	pid     int
	hup     chan struct{} // closed once a Read found the terminal closed
	hupOnce sync.Once
}

// adoptPTY takes over master (any *os.File of a pseudo-terminal's master side, e.g. one
// received from another process) for the command pid.
func adoptPTY(master *os.File, pid int) (ptyProcess, error) {
	if pid <= 0 {
		return nil, errors.New("no process")
	}
	m, err := pollable(master)
	if err != nil {
		return nil, err
	}
	return &adoptedPTY{master: m, pid: pid, hup: make(chan struct{})}, nil
}

func (p *adoptedPTY) Read(b []byte) (int, error) {
	n, err := p.master.Read(b)
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		p.hupOnce.Do(func() { close(p.hup) })
	}
	return n, err
}

func (p *adoptedPTY) Write(b []byte) (int, error) { return p.master.Write(b) }
func (p *adoptedPTY) Resize(cols, rows int) error { return setSize(p.master, cols, rows) }
func (p *adoptedPTY) Close() error                { return p.master.Close() }
func (p *adoptedPTY) Pid() int                    { return p.pid }
func (p *adoptedPTY) Recordable() bool            { return recordable(p.master) }
func (p *adoptedPTY) Hangup()                     { p.signalGroup(syscall.SIGHUP) }
func (p *adoptedPTY) Kill()                       { p.signalGroup(syscall.SIGKILL) }

// adoptedExit is how an adopted command ended, as far as this process can know.
var adoptedExit = Exit{Code: 0, Desc: "exit status unknown (it moved between processes)"}

// Wait waits until the terminal closed or the process is gone (checked four times a
// second: it is not this process's child, so there is nothing to wait on).
func (p *adoptedPTY) Wait() Exit {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.hup:
			return adoptedExit
		case <-t.C:
			if !p.alive() {
				return adoptedExit
			}
		}
	}
}

func (p *adoptedPTY) alive() bool {
	return syscall.Kill(p.pid, 0) != syscall.ESRCH
}

// signalGroup sends sig to the command's process group, while the command is there (its
// process id is not used once it is gone).
func (p *adoptedPTY) signalGroup(sig syscall.Signal) {
	if !p.alive() {
		return
	}
	if err := syscall.Kill(-p.pid, sig); err != nil {
		syscall.Kill(p.pid, sig)
	}
}
