//go:build !windows

package sessions

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"unsafe"

	"github.com/creack/pty"
)

// startPTY starts argv in a new pseudo-terminal of the given size, in its own session and
// process group, and returns the terminal's master side, in non-blocking mode on the
// runtime's poller: Close interrupts a Read, and no OS thread waits in a read or write.
func startPTY(argv []string, dir string, env []string, cols, rows int) (*os.File, *exec.Cmd, error) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("open terminal: %w", err)
	}
	defer tty.Close()
	// pty.Open used ptmx.Fd(), which leaves it in blocking mode: make a pollable copy.
	master, err := pollable(ptmx)
	if err != nil {
		return nil, nil, fmt.Errorf("open terminal: %w", err)
	}
	if err := setSize(master, cols, rows); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("size terminal: %w", err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	return master, cmd, nil
}

// pollable returns a non-blocking *os.File for f's descriptor and closes f.
func pollable(f *os.File) (*os.File, error) {
	fd, err := syscall.Dup(int(f.Fd()))
	f.Close()
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(fd)
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), "/dev/ptmx"), nil
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

// signalGroup sends sig to the command's process group (the command is its leader).
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd.Process == nil {
		return
	}
	if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil {
		cmd.Process.Signal(sig)
	}
}
