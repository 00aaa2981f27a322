//go:build !windows

package sessions

import "os"

// loginShell is the command of a session started without one: $SHELL, else the shell in
// the user's account record, else /bin/sh.
func loginShell() string {
	if sh := os.Getenv("SHELL"); sh != "" {
		return sh
	}
	if sh := accountShell(); sh != "" {
		return sh
	}
	return "/bin/sh"
}

// ShellCommand is how a command line typed by the host runs through the system's shell:
// /bin/sh -c LINE (on Windows, cmd.exe /c LINE).
func ShellCommand(line string) []string {
	return []string{"/bin/sh", "-c", line}
}
