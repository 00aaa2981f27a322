package host

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/sessions"
)

// commandKind is what a partner asked a session channel for.
type commandKind uint8

const (
	cmdShell   commandKind = iota // no command: join the session named by the user name
	cmdLs                         // ls [--json]: list the sessions
	cmdAttach                     // attach NAME: join the session NAME
	cmdUnknown                    // anything else
)

type command struct {
	kind commandKind
	arg  string // attach: the session name; unknown: the command
	json bool   // ls --json
}

// parseCommand reads the command of an exec request: "ls", "ls --json", "attach NAME".
func parseCommand(payload []byte) command {
	var msg struct{ Command string }
	if ssh.Unmarshal(payload, &msg) != nil {
		return command{kind: cmdUnknown}
	}
	f := strings.Fields(msg.Command)
	switch {
	case len(f) == 1 && f[0] == "ls":
		return command{kind: cmdLs}
	case len(f) == 2 && f[0] == "ls" && (f[1] == "--json" || f[1] == "-json"):
		return command{kind: cmdLs, json: true}
	case len(f) == 2 && f[0] == "attach":
		return command{kind: cmdAttach, arg: f[1]}
	}
	return command{kind: cmdUnknown, arg: truncate(msg.Command, 60)}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// list writes the session list to w: a table, or JSON (one array) for scripts.
func (c *conn) list(ch ssh.Channel, asJSON bool) {
	infos := c.h.Sessions.Infos()
	if err := writeList(ch, infos, asJSON); err != nil {
		c.log.Debug("write list", "err", err)
	}
	sendExitStatus(ch, 0)
}

func writeList(w io.Writer, infos []sessions.Info, asJSON bool) error {
	if asJSON {
		if infos == nil {
			infos = []sessions.Info{}
		}
		b, err := json.Marshal(infos)
		if err != nil {
			return fmt.Errorf("list sessions: %w", err)
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCOMMAND\tSIZE\tCLIENTS\tDEFAULT")
	for _, in := range infos {
		def := ""
		if in.Default {
			def = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%dx%d\t%d\t%s\n", in.Name, in.Command, in.Cols, in.Rows, in.Clients, def)
	}
	return tw.Flush()
}
