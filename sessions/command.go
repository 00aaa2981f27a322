package sessions

import "strings"

// CommandLine turns a command typed by the host into a program and arguments: a plain
// command line is run directly, anything a shell would interpret (quotes, pipes,
// variables) by the shell (see [ShellCommand]).
func CommandLine(cmd string) []string {
	if strings.ContainsAny(cmd, "|&;<>()$`\\\"'*?[]#~=%{}\n") {
		return ShellCommand(cmd)
	}
	return strings.Fields(cmd)
}
