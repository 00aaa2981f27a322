package host

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// The listings a partner approved for them may ask for: `ls` (the sessions, with their
// partners) and `who` (who is in each session: the host and every partner, with role,
// who types and who drives, and the call link). Both have a --json form for scripts, with
// the same participants.

// list writes the session list to w: a table, or JSON (one array) for scripts.
func (c *conn) list(ch ssh.Channel, asJSON bool) {
	infos := c.h.Sessions.Infos()
	if err := writeList(ch, listed(infos, c.h.pairings()), asJSON); err != nil {
		c.log.Debug("write list", "err", err)
	}
	sendExitStatus(ch, 0)
}

// who writes who is in each session to w: a table, or JSON (an array of wire.Presence,
// as Duet windows are told) for scripts.
func (c *conn) who(ch ssh.Channel, asJSON bool) {
	var all []wire.Presence
	for _, p := range c.h.pairings() {
		all = append(all, PresenceOf(p, c.participant()))
	}
	if err := writeWho(ch, all, asJSON); err != nil {
		c.log.Debug("write who", "err", err)
	}
	sendExitStatus(ch, 0)
}

// pairings returns every session's pairing state, in the order they started.
func (h *Server) pairings() []sessions.Pairing {
	var out []sessions.Pairing
	for _, s := range h.Sessions.List() {
		out = append(out, s.Pairing())
	}
	return out
}

// listEntry is a session as `ls --json` lists it: its Info and its partners.
type listEntry struct {
	sessions.Info
	Partners []listPartner `json:"partners"`
}

// listPartner is one partner of a listed session (a participant but the host); the name
// is cleaned (wire.CleanName).
type listPartner struct {
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint"`
	Role        string `json:"role"` // "type" or "view"
	Typing      bool   `json:"typing,omitempty"`
	Driving     bool   `json:"driving,omitempty"`
	Asking      bool   `json:"asking,omitempty"`
	Chat        bool   `json:"chat,omitempty"` // in the chat only, no terminal
}

// listed joins the sessions with their partners.
func listed(infos []sessions.Info, pairings []sessions.Pairing) []listEntry {
	out := make([]listEntry, 0, len(infos))
	for _, in := range infos {
		e := listEntry{Info: in, Partners: []listPartner{}}
		for _, p := range pairings {
			if p.Session != in.Name {
				continue
			}
			for _, pt := range p.Participants {
				if pt.ID == sessions.HostID {
					continue
				}
				w := personOf(pt)
				e.Partners = append(e.Partners, listPartner{Name: w.Name, Fingerprint: w.ID, Role: w.Role,
					Typing: w.Typing, Driving: w.Driving, Asking: w.Asking, Chat: w.Chat})
			}
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

// writeWho writes who is where: one line per participant (SESSION NAME ROLE NOW), and
// each session's call link; or JSON.
func writeWho(w io.Writer, all []wire.Presence, asJSON bool) error {
	if asJSON {
		if all == nil {
			all = []wire.Presence{}
		}
		b, err := json.Marshal(all)
		if err != nil {
			return fmt.Errorf("who: %w", err)
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SESSION\tNAME\tROLE\tNOW")
	var calls []string
	for _, pr := range all {
		for _, p := range pr.People {
			name := p.Name
			if p.ID == pr.You {
				name += " (you)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", pr.Session, name, p.Role, p.Now(pr.OneDriver))
		}
		if pr.Call != "" {
			calls = append(calls, fmt.Sprintf("call of %s: %s", pr.Session, pr.Call))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range calls {
		if _, err := fmt.Fprintln(w, c); err != nil {
			return err
		}
	}
	return nil
}
