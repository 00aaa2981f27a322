package host

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
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
	if err := writeList(ch, listed(infos, c.h.Partners()), asJSON); err != nil {
		c.log.Debug("write list", "err", err)
	}
	sendExitStatus(ch, 0)
}

// listEntry is a session as `ls --json` lists it: its Info and its partners.
type listEntry struct {
	sessions.Info
	Partners []listPartner `json:"partners"`
}

// listPartner is one partner of a listed session; the name is cleaned (wire.CleanName).
type listPartner struct {
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint"`
	Role        string `json:"role"` // "type" or "view"
}

// listed joins the sessions with their partners.
func listed(infos []sessions.Info, partners []Partner) []listEntry {
	out := make([]listEntry, 0, len(infos))
	for _, in := range infos {
		e := listEntry{Info: in, Partners: []listPartner{}}
		for _, p := range partners {
			if p.Session != in.Name {
				continue
			}
			role := keys.RoleType
			if p.ReadOnly {
				role = keys.RoleView
			}
			e.Partners = append(e.Partners, listPartner{Name: p.Name, Fingerprint: p.Fingerprint, Role: role.String()})
		}
		out = append(out, e)
	}
	return out
}

func writeList(w io.Writer, entries []listEntry, asJSON bool) error {
	if asJSON {
		b, err := json.Marshal(entries)
		if err != nil {
			return fmt.Errorf("list sessions: %w", err)
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCOMMAND\tSIZE\tCLIENTS\tDEFAULT\tPARTNERS")
	for _, e := range entries {
		def := ""
		if e.Default {
			def = "*"
		}
		var names []string
		for _, p := range e.Partners {
			names = append(names, firstOf(p.Name, "unnamed")+" ("+p.Role+")")
		}
		fmt.Fprintf(tw, "%s\t%s\t%dx%d\t%d\t%s\t%s\n", e.Name, e.Command, e.Cols, e.Rows, e.Clients, def, strings.Join(names, ", "))
	}
	return tw.Flush()
}
