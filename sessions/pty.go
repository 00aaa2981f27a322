//go:build !windows

package sessions

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/creack/pty"
)

// startPTY starts argv in a new pseudo-terminal of the given size, in its own session and
// process group, and returns the terminal's master side.
func startPTY(argv []string, dir string, env []string, cols, rows int) (*os.File, *exec.Cmd, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		return nil, nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	return ptmx, cmd, nil
}

// setSize sets the size of the terminal; the kernel tells the program (SIGWINCH).
func setSize(ptmx *os.File, cols, rows int) error {
	return pty.Setsize(ptmx, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
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

// isPTYClosed reports whether err from reading the master side means the terminal is gone:
// Linux returns EIO once every process holding the other side has exited.
func isPTYClosed(err error) bool {
	return errors.Is(err, syscall.EIO) || errors.Is(err, os.ErrClosed)
}

// exitOf describes how a command ended, from the error of exec.Cmd.Wait.
func exitOf(err error) Exit {
	if err == nil {
		return Exit{Code: 0, Desc: "exit status 0"}
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return Exit{Code: 128 + int(ws.Signal()), Desc: "killed by " + ws.Signal().String()}
		}
		return Exit{Code: ee.ExitCode(), Desc: ee.String()}
	}
	return Exit{Code: 255, Desc: err.Error()}
}
