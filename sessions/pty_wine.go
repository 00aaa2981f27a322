//go:build windows

package sessions

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/sys/windows"
)

// Wine gives the programs of a pseudo console no standard handles of the console (they
// get NULL ones, or their parent's): only a program that opens CONIN$ and CONOUT$ itself
// reaches it. So under Wine a session's command is started through this same executable
// as a launcher: it opens the console, starts the command with the console as its
// standard input, output and error, and exits with its exit code. On Windows it is
// never used.

// Environment of the launcher: its being one, and the program and command line to start.
const (
	wineLaunchEnv  = "DUET_WINE_CONSOLE_LAUNCH"
	wineAppEnv     = "DUET_WINE_CONSOLE_APP"
	wineCmdLineEnv = "DUET_WINE_CONSOLE_CMDLINE"
)

func init() {
	if os.Getenv(wineLaunchEnv) == "1" {
		os.Exit(wineLaunch())
	}
}

// wineLauncher returns the program, command line and environment block that start app
// with cmdline through the launcher.
func wineLauncher(app, cmdline string, env []uint16) (string, string, []uint16) {
	self, err := os.Executable()
	if err != nil {
		return app, cmdline, env
	}
	block, err := envBlock(append(envStrings(env), wineLaunchEnv+"=1", wineAppEnv+"="+app, wineCmdLineEnv+"="+cmdline))
	if err != nil {
		return app, cmdline, env
	}
	return self, windows.EscapeArg(self), block
}

// wineLaunch is the launcher: it runs inside the console.
func wineLaunch() int {
	in, err1 := os.OpenFile("CONIN$", os.O_RDWR, 0)
	out, err2 := os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err := errors.Join(err1, err2); err != nil {
		return 255
	}
	app, line := os.Getenv(wineAppEnv), os.Getenv(wineCmdLineEnv)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DUET_WINE_CONSOLE_") {
			env = append(env, kv)
		}
	}
	cmd := exec.Command(app)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: line}
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, in, out, out
	signal.Ignore(os.Interrupt) // Ctrl+C is the command's to handle
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		return 255
	}
	return 0
}

// envStrings splits an environment block into its NAME=value strings.
func envStrings(block []uint16) []string {
	var out []string
	for start, i := 0, 0; i < len(block); i++ {
		if block[i] == 0 {
			if i == start {
				break
			}
			out = append(out, windows.UTF16ToString(block[start:i]))
			start = i + 1
		}
	}
	return out
}
