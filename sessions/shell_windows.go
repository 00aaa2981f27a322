package sessions

import (
	"os"
	"os/exec"
)

// loginShell is the command of a session started without one: PowerShell (pwsh, else
// Windows PowerShell) if present, else the command interpreter (%ComSpec%, cmd.exe).
// Under Wine it is cmd.exe: Wine's powershell.exe is a stub that exits at once.
func loginShell() string {
	if underWine() {
		return comSpec()
	}
	for _, sh := range []string{"pwsh.exe", "powershell.exe"} {
		if path, err := exec.LookPath(sh); err == nil {
			return path
		}
	}
	return comSpec()
}

// ShellCommand is how a command line typed by the host runs through the system's shell:
// cmd.exe /c LINE (on Unix, /bin/sh -c LINE).
func ShellCommand(line string) []string {
	return []string{comSpec(), "/c", line}
}

func comSpec() string {
	if c := os.Getenv("ComSpec"); c != "" {
		return c
	}
	return "cmd.exe"
}
