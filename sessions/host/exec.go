package host

import (
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/sessions"
)

// commandKind is what a partner asked a session channel for.
type commandKind uint8

const (
	cmdShell   commandKind = iota // no command: join the session named by the user name
	cmdLs                         // ls [--json]: list the sessions
	cmdAttach                     // attach NAME: join the session NAME
	cmdWho                        // who [--json]: who is in each session
	cmdChat                       // chat [NAME]: the chat of a session, line by line
	cmdUnknown                    // anything else
)

type command struct {
	kind commandKind
	arg  string // attach, chat: the session name; unknown: the command
	json bool   // ls --json, who --json
}

// parseCommand reads the command of an exec request: "ls", "ls --json", "attach NAME",
// "who", "who --json", "chat", "chat NAME".
func parseCommand(payload []byte) command {
	var msg struct{ Command string }
	if ssh.Unmarshal(payload, &msg) != nil {
		return command{kind: cmdUnknown}
	}
	f := strings.Fields(msg.Command)
	isJSON := func(s string) bool { return s == "--json" || s == "-json" }
	switch {
	case len(f) == 1 && f[0] == "ls":
		return command{kind: cmdLs}
	case len(f) == 2 && f[0] == "ls" && isJSON(f[1]):
		return command{kind: cmdLs, json: true}
	case len(f) == 2 && f[0] == "attach":
		return command{kind: cmdAttach, arg: f[1]}
	case len(f) == 1 && f[0] == "who":
		return command{kind: cmdWho}
	case len(f) == 2 && f[0] == "who" && isJSON(f[1]):
		return command{kind: cmdWho, json: true}
	case len(f) <= 2 && len(f) > 0 && f[0] == "chat":
		c := command{kind: cmdChat}
		if len(f) == 2 {
			c.arg = f[1]
		}
		return c
	}
	return command{kind: cmdUnknown, arg: truncate(msg.Command, 60)}
}

// target resolves what cmd asks for before anyone is asked about it: the session to
// join or chat in (a user name that names no session means the default one), or nil and
// "" for the listings; asked is the session name the partner gave. It answers the
// partner itself (and returns false) when there is nothing to ask about: an unknown
// command or session.
func (c *conn) target(ch ssh.Channel, st *channelState, cmd command) (s *sessions.Session, want, asked string, ok bool) {
	reg := c.h.Sessions
	switch cmd.kind {
	case cmdLs, cmdWho:
		return nil, "", "", true
	case cmdShell, cmdChat:
		user := c.sc.User()
		if cmd.arg != "" {
			user = cmd.arg
		}
		name, status := c.h.splitUser(user)
		st.mu.Lock()
		st.status = status
		st.mu.Unlock()
		s = reg.Lookup(name)
		if s == nil && cmd.arg != "" {
			fail(ch, 1, fmt.Sprintf("no session %q; try ls", cmd.arg))
			return nil, "", "", false
		}
		if s == nil {
			s = reg.Default()
		}
		if s == nil {
			fail(ch, 1, "the host shares no session right now")
			return nil, "", "", false
		}
		return s, s.Name(), name, true
	case cmdAttach:
		name, status := c.h.splitUser(cmd.arg)
		st.mu.Lock()
		st.status = status
		st.mu.Unlock()
		s = reg.Lookup(name)
		if s == nil {
			fail(ch, 1, fmt.Sprintf("no session %q; try ls", cmd.arg))
			return nil, "", "", false
		}
		return s, s.Name(), name, true
	}
	fail(ch, 127, fmt.Sprintf("unknown command %q; try ls, ls --json, who, chat or attach NAME", cmd.arg))
	return nil, "", "", false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
