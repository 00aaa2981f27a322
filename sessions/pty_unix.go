//go:build !windows

package sessions

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"unsafe"

	"github.com/creack/pty"
)

// unixPTY is a command in a Unix pseudo-terminal: the master side is read and written,
// the command is the leader of its own session and process group.
type unixPTY struct {
	master *os.File // non-blocking, on the runtime's poller
	cmd    *exec.Cmd
}

// startPTY starts argv in a new pseudo-terminal of the given size, in its own session and
// process group. The terminal's master side is in non-blocking mode on the runtime's
// poller: Close interrupts a Read, and no OS thread waits in a read or write.
func startPTY(argv []string, dir string, env []string, cols, rows int) (ptyProcess, error) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("open terminal: %w", err)
	}
	defer tty.Close()
	// pty.Open used ptmx.Fd(), which leaves it in blocking mode: make a pollable copy.
	master, err := pollable(ptmx)
	if err != nil {
		return nil, fmt.Errorf("open terminal: %w", err)
	}
	if err := setSize(master, cols, rows); err != nil {
		master.Close()
		return nil, fmt.Errorf("size terminal: %w", err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		master.Close()
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	return &unixPTY{master: master, cmd: cmd}, nil
}

func (p *unixPTY) Read(b []byte) (int, error)  { return p.master.Read(b) }
func (p *unixPTY) Write(b []byte) (int, error) { return p.master.Write(b) }
func (p *unixPTY) Resize(cols, rows int) error { return setSize(p.master, cols, rows) }
func (p *unixPTY) Wait() Exit                  { return exitOf(p.cmd.Wait()) }
func (p *unixPTY) Hangup()                     { p.signalGroup(syscall.SIGHUP) }
func (p *unixPTY) Kill()                       { p.signalGroup(syscall.SIGKILL) }
func (p *unixPTY) Close() error                { return p.master.Close() }
func (p *unixPTY) Pid() int                    { return p.cmd.Process.Pid }
func (p *unixPTY) Recordable() bool            { return recordable(p.master) }

// signalGroup sends sig to the command's process group (the command is its leader).
func (p *unixPTY) signalGroup(sig syscall.Signal) {
	if err := syscall.Kill(-p.cmd.Process.Pid, sig); err != nil {
		p.cmd.Process.Signal(sig)
	}
}

// isPTYClosed reports whether err from reading the master side means the terminal is gone:
// Linux returns EIO once every process holding the other side has exited.
func isPTYClosed(err error) bool {
	return errors.Is(err, syscall.EIO) || errors.Is(err, os.ErrClosed)
}

// pollable returns a non-blocking *os.File for f's descriptor and closes f.
func pollable(f *os.File) (*os.File, error) {
	c, err := copyFD(int(f.Fd()))
	f.Close()
	return c, err
}

// copyFD returns a copy of the terminal descriptor fd: close-on-exec, non-blocking, on
// the runtime's poller.
func copyFD(fd int) (*os.File, error) {
	nfd, err := syscall.Dup(fd)
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(nfd)
	if err := syscall.SetNonblock(nfd, true); err != nil {
		syscall.Close(nfd)
		return nil, err
	}
	return os.NewFile(uintptr(nfd), "/dev/ptmx"), nil
}

// setSize sets the size of the terminal; the kernel tells the program (SIGWINCH). It works
// through SyscallConn, as f.Fd() would put f in blocking mode.
func setSize(f *os.File, cols, rows int) error {
	ws := struct{ rows, cols, x, y uint16 }{uint16(rows), uint16(cols), 0, 0}
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	err = rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws)))
	})
	if err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}
