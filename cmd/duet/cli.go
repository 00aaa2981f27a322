package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/keys"
)

// Exit codes: the command-line contract of SPEC section 7.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// errUsage marks an error in how duet was called; its message is shown with the usage.
var errUsage = errors.New("usage")

func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

const usageText = `usage:
  duet [--listen ADDR]         open the window (host with a click, join, approve partners)
  duet INVITE                  open the window joining duet://… (an invite link); it hosts nothing
  duet host [--listen ADDR] [--name NAME] [--command CMD] [--read-only] [--approve prompt|deny]
            [--one-driver] [--no-status-line] [--relay USER@SERVER[:PORT] [--relay-port N]] [--record FILE]
            [--history LINES] [--size smallest|host]
  duet join [--identity FILE] [--command CMD] [--jump SERVER] ADDR
  duet keygen
  duet approve [--read-only] FILE|-
  duet revoke FINGERPRINT|KEY|FILE|-   a running duet host disconnects the key within a second
  duet verify [--host FINGERPRINT] FILE   check a recording: intact, and which host key signed it
  duet play [--speed N] [--idle S] [--here] FILE   replay a recording in Duet's terminal
  duet term [-- CMD ARGS]      a local command in Duet's terminal, in a window (shares nothing)
  duet ls [--json]             the sessions running in the background (kept when the window quit)
  duet stop [SESSION]          end them (all, or one)
  duet version
every command takes --config-dir DIR (or DUET_CONFIG_DIR)`

// cli runs one duet command; its fields are what the process talks to, so tests can run
// it in-process.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	stdinIsTTY     bool
	configDirFlag  string // --config-dir of the command being run
}

func newCLI() *cli {
	return &cli{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, stdinIsTTY: isTerminal(os.Stdin)}
}

// command is one subcommand: it declares its flags, then runs with the arguments left.
type command struct {
	flags func(fs *flag.FlagSet)
	run   func(c *cli, args []string) error
}

func (c *cli) commands() map[string]*command {
	return map[string]*command{
		"host":    hostCommand(),
		"term":    termCommand(),
		"keygen":  keygenCommand(),
		"approve": approveCommand(),
		"revoke":  revokeCommand(),
		"join":    joinCommand(),
		"verify":  verifyCommand(),
		"play":    playCommand(),
		"ls":      lsCommand(),
		"stop":    stopCommand(),
		"version": {run: func(c *cli, args []string) error {
			if len(args) > 0 {
				return usageError("version takes no arguments")
			}
			fmt.Fprintln(c.stdout, "duet", version)
			return nil
		}},
	}
}

// valueFlags are the flags of any command that take a value, so the command name can be
// found among flags standing before it.
var valueFlags = map[string]bool{
	"config-dir": true, "listen": true, "name": true, "command": true, "approve": true, "identity": true,
	"relay": true, "relay-port": true, "jump": true,
	"flood": true, "record": true, "speed": true, "idle": true, "host": true,
}

func (c *cli) run(args []string) int {
	name, rest := splitCommand(args)
	if name == "" && hasHelp(args) {
		fmt.Fprintln(c.stdout, usageText)
		return exitOK
	}
	cmd, ok := c.commands()[name]
	switch {
	case name == "":
		cmd, ok = windowCommand(), true // no command: open the window
	case !ok && isInvite(name):
		// An invite link opened with Duet: the window, joining it.
		cmd, ok, rest = windowCommand(), true, args
		name = ""
	}
	label := strings.TrimSpace("duet " + name)
	if !ok {
		fmt.Fprintf(c.stderr, "duet: unknown command %q\n%s\n", name, usageText)
		return exitUsage
	}
	fs := flag.NewFlagSet(label, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	configDir := fs.String("config-dir", "", "config dir (default: $"+keys.EnvConfigDir+", else the OS config dir + /duet)")
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	pos, err := parseInterspersed(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(c.stdout, usageText)
		return exitOK
	}
	if err == nil {
		err = cmd.run(c.withConfigDir(*configDir), pos)
	}
	var code exitCode
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &code):
		return int(code)
	case errors.Is(err, errUsage):
		msg := strings.TrimPrefix(err.Error(), errUsage.Error()+": ")
		fmt.Fprintf(c.stderr, "%s: %s\n%s\n", label, msg, usageText)
		return exitUsage
	default:
		// An error may carry what a server or partner said: shown as data, never as
		// terminal input.
		fmt.Fprintf(c.stderr, "%s: %s\n", label, safetext.Text(err.Error(), safetext.MaxText))
		return exitFailure
	}
}

func (c *cli) withConfigDir(dir string) *cli {
	cc := *c
	cc.configDirFlag = dir
	return &cc
}

// splitCommand finds the command name: the first argument that is neither a flag nor a
// flag's value. The flags before it go to the command with the rest.
func splitCommand(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return "", args
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			return a, append(append([]string(nil), args[:i]...), args[i+1:]...)
		}
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && valueFlags[name] {
			i++ // skip the value
		}
	}
	return "", args
}

// isInvite reports whether a command-line word is an invite link (duet://…).
func isInvite(a string) bool { return strings.HasPrefix(strings.ToLower(a), "duet://") }

func hasHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

// parseInterspersed parses flags that may stand before, between or after the arguments,
// and returns the arguments. After "--" everything is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// store opens the config dir chosen by --config-dir, DUET_CONFIG_DIR or the default.
func (c *cli) store() (*keys.Store, error) {
	return keys.Open(c.configDirFlag)
}
