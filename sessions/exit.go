package sessions

import (
	"errors"
	"os/exec"
	"syscall"
)

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
