package sessions

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// Sessions need a pseudo-terminal; Windows' ConPTY is not wired up yet.
var errNoPTY = errors.New("hosting a session is not supported on Windows yet")

func startPTY(argv []string, dir string, env []string, cols, rows int) (*os.File, *exec.Cmd, error) {
	return nil, nil, errNoPTY
}

func setSize(ptmx *os.File, cols, rows int) error { return errNoPTY }

func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd.Process != nil {
		cmd.Process.Kill()
	}
}
