package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/host"
)

// prompter asks the host about unknown keys on the terminal, one question at a time;
// a line typed while no question is asked is a command for the host (see onCommand).
type prompter struct {
	out     io.Writer
	defRole keys.Role
	turn    chan struct{} // holds a token while a question is on screen
	lines   chan string   // lines typed while a question is asked; closed at the end of input
	command func(string)  // takes the lines typed while no question is asked; may be nil

	outMu sync.Mutex // guards writes to out
}

// newPrompter starts reading lines from in. The reading goroutine ends at the end of in;
// a terminal's input has no end, so it lives as long as the process (a read from a
// terminal cannot be interrupted portably). Lines typed while no question is asked go to
// command (unless nil).
func newPrompter(in io.Reader, out io.Writer, defRole keys.Role, command func(string)) *prompter {
	p := &prompter{out: out, defRole: defRole, turn: make(chan struct{}, 1), lines: make(chan string), command: command}
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			if len(p.turn) == 0 && p.command != nil { // no question on screen
				p.command(sc.Text())
				continue
			}
			p.lines <- sc.Text()
		}
	}()
	return p
}

func (p *prompter) printf(format string, args ...any) {
	p.outMu.Lock()
	defer p.outMu.Unlock()
	fmt.Fprintf(p.out, format, args...)
}

// drain forgets what was typed while nobody asked.
func (p *prompter) drain() {
	for drained := false; !drained; {
		select {
		case _, ok := <-p.lines:
			drained = !ok
		default:
			drained = true
		}
	}
}

// ask is a host.ApproveFunc.
func (p *prompter) ask(ctx context.Context, req host.ApprovalRequest) host.Decision {
	deny := host.Decision{Answer: host.Deny}
	select {
	case p.turn <- struct{}{}:
	case <-ctx.Done():
		return deny
	}
	defer func() { <-p.turn }()
	p.drain()
	p.printf("\n%s", question(req))
	p.printf("  [o] allow once  [a] always allow  [d] deny (default); add v for view only or t to type (default %s): ",
		roleName(p.defRole))
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				p.printf("\nduet: no more input; key %s denied\n", req.Fingerprint)
				return deny
			}
			d, valid := parseAnswer(line)
			if !valid {
				p.printf("  answer o, a or d, maybe followed by v or t (e.g. ov): ")
				continue
			}
			p.printf("duet: %s for key %s (%s)\n", d.Answer, req.Fingerprint, roleName(d.Role.Or(p.defRole)))
			return d
		case <-ctx.Done():
			p.printf("\nduet: no answer in time; key %s denied\n", req.Fingerprint)
			return deny
		}
	}
}

// question says who asks for what, in lines ending with a newline. What the partner
// chose to send (user name, client version) is escaped and bounded: it can neither
// move the cursor nor draw a question of its own.
func question(req host.ApprovalRequest) string {
	what := "to join session " + safetext.Line(req.Session, safetext.MaxName)
	if req.Session == "" {
		what = "to list the sessions (not to join one)"
	}
	return fmt.Sprintf("duet: a partner asks %s\n  user %s from %v, software %s\n  key %s\n",
		what, safetext.Line(req.User, safetext.MaxName), req.Remote,
		safetext.Line(req.ClientVersion, safetext.MaxName), req.Fingerprint)
}

// parseAnswer reads "o", "a" or "d" (empty: d), optionally followed by "v" (view only)
// or "t" (can type).
func parseAnswer(line string) (host.Decision, bool) {
	s := strings.ToLower(strings.TrimSpace(line))
	var d host.Decision
	if s == "" {
		return d, true
	}
	switch s[0] {
	case 'o', 'y':
		d.Answer = host.AllowOnce
	case 'a':
		d.Answer = host.AllowAlways
	case 'd', 'n':
		d.Answer = host.Deny
	default:
		return d, false
	}
	switch s[1:] {
	case "":
	case "v":
		d.Role = keys.RoleView
	case "t":
		d.Role = keys.RoleType
	default:
		return d, false
	}
	return d, true
}

func roleName(r keys.Role) string {
	if r == keys.RoleView {
		return "view only"
	}
	return "can type"
}
