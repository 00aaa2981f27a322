package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/background"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/record"
)

// hostOptions are the flags of `duet host`.
type hostOptions struct {
	listen   string
	name     string
	command  string
	readOnly bool
	oneDrive bool // one driver at a time
	noStatus bool // no status line for terminal partners
	approve  string
	record   string
	history  int // lines of scrollback a partner who joins gets; < 0 all the session keeps
	size     sessions.SizePolicy
	relay    relayOptions
	// background: started by the window to serve its sessions after it quit (see
	// sessions/background); not for people.
	background bool
}

// hostCommand is `duet host`: share a session from this terminal, without a window.
func hostCommand() *command {
	o := hostOptions{history: -1}
	return &command{
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.listen, "listen", "", "address to listen on (default :2222, or the next free port)")
			fs.StringVar(&o.name, "name", sessions.DefaultName, "session name")
			fs.StringVar(&o.command, "command", "", "command to share (default the login shell)")
			fs.BoolVar(&o.readOnly, "read-only", false, "partners join view only unless their approved key says otherwise")
			fs.BoolVar(&o.oneDrive, "one-driver", false, "one driver at a time: only the driver's keys reach the program (you drive first; partners ask for control)")
			fs.BoolVar(&o.noStatus, "no-status-line", false, "draw no status line on OpenSSH partners' bottom row")
			fs.StringVar(&o.approve, "approve", "", "unknown keys: prompt (default on a terminal) or deny")
			fs.Func("history", fmt.Sprintf("partners who join get the last `LINES` of the session's scrollback (default all it keeps, up to %d; 0 none)", sessions.ScrollbackLines), func(v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 {
					return errors.New("want a number of lines, 0 for none")
				}
				o.history = n
				return nil
			})
			fs.Func("size", "the session's size: `smallest` (every typist's terminal fits it; the default) or host (yours; smaller partners see a part that follows the cursor)", func(v string) error {
				p, err := sessions.ParseSizePolicy(v)
				if err != nil {
					return errors.New("want smallest or host")
				}
				o.size = p
				return nil
			})
			fs.StringVar(&o.record, "record", "", "record the session to FILE (asciicast v2, signed by the host key); partners are told")
			o.relay.flags(fs)
			fs.BoolVar(&o.background, strings.TrimPrefix(background.BackgroundFlag, "--"), false, "(started by the window) serve the sessions it hands over")
		},
		run: func(c *cli, args []string) error {
			if len(args) > 0 {
				return usageError("host takes no arguments, only flags")
			}
			if o.background {
				return c.backgroundHost()
			}
			return c.host(o)
		},
	}
}

// historyLine says how much of the session's past partners who join see.
func historyLine(lines int) string {
	if lines == 0 {
		return "partners who join see the screen, none of the scrollback (--history)"
	}
	return fmt.Sprintf("partners who join see the last %d lines of scrollback too (--history)", lines)
}

func (c *cli) host(o hostOptions) error {
	switch o.approve {
	case "":
		o.approve = "deny"
		if c.stdinIsTTY {
			o.approve = "prompt"
		}
	case "prompt", "deny":
	default:
		return usageError("--approve must be prompt or deny, not %q", o.approve)
	}
	relay, err := o.relay.parse()
	if err != nil {
		return err
	}
	store, err := c.store()
	if err != nil {
		return err
	}
	hostKey, err := store.LoadOrCreateHostKey()
	if err != nil {
		return err
	}
	approved := store.Approved()
	for _, p := range approved.Problems() {
		fmt.Fprintf(c.stderr, "duet host: warning: %v (skipped)\n", p)
	}
	log := slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	opt := sessions.Options{Name: o.name, Size: o.size, Logger: log}
	if o.command != "" {
		opt.Command = commandLine(o.command)
	}
	reg := &sessions.Registry{}
	sess, err := reg.Start(opt)
	if err != nil {
		return err
	}
	defer reg.Close()
	sess.SetHostName(hostName())
	sess.SetOneDriver(o.oneDrive)
	if o.record != "" {
		stop, err := startRecording(sess, o.record, hostKey.Signer, log)
		if err != nil {
			return err
		}
		defer stop()
	}

	defaultRole := keys.RoleType
	if o.readOnly {
		defaultRole = keys.RoleView
	}
	h := &host.Server{
		Sessions:     reg,
		HostKey:      hostKey.Signer,
		Approved:     approved,
		Owner:        c.owner(store),
		DefaultRole:  defaultRole,
		History:      host.HistoryLines(o.history),
		NoStatusLine: o.noStatus,
		Logger:       log,
	}
	var p *prompter
	if o.approve == "prompt" || c.stdinIsTTY {
		p = newPrompter(c.stdin, c.stdout, defaultRole, func(line string) { c.hostCommand(sess, line) })
	}
	if o.approve == "prompt" {
		h.Approve = p.ask
	}
	l, err := listen(o.listen)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- h.Serve(l) }()
	c.printJoinLines(l.Addr().String(), sess.Name(), hostKey.Fingerprint(), store)
	c.printInvites(l.Addr().String(), sess.Name(), hostKey.Fingerprint())
	if o.record != "" {
		fmt.Fprintf(c.stdout, "recording to %s (partners are told); check it later with: duet verify %s\n", o.record, o.record)
	}
	fmt.Fprintln(c.stdout, historyLine(h.HistoryShown()))
	if p != nil {
		fmt.Fprintln(c.stdout, "type p and Enter here to pause sharing (partners see a curtain) and again to resume")
	}
	if relay.Host != "" {
		rh := relayHost{host: h, store: store, session: sess.Name(), fingerprint: hostKey.Fingerprint(), log: log}
		if c.stdinIsTTY {
			rh.prompter = p
		}
		stopRelay, err := c.startRelay(relay, o.relay.port, rh)
		if err != nil {
			h.Shutdown(context.Background())
			<-served
			return err
		}
		defer stopRelay()
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sig)
	var result error
	select {
	case <-sess.Done():
		exit, _ := sess.Exit()
		fmt.Fprintf(c.stdout, "session %s ended: %s\n", sess.Name(), exit.Desc)
	case s := <-sig:
		fmt.Fprintf(c.stdout, "stopping (%v)\n", s)
	case err := <-served:
		result = fmt.Errorf("serve: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h.Shutdown(ctx)
	if err := <-served; result == nil && err != nil && !errors.Is(err, host.ErrServerClosed) {
		result = err
	}
	return result
}

// hostCommand carries out a line the host typed while no question was asked: p pauses
// or resumes sharing.
func (c *cli) hostCommand(s *sessions.Session, line string) {
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "":
	case "p":
		if s.Paused() {
			s.Resume()
			fmt.Fprintln(c.stdout, "sharing resumed: partners see the session again (p and Enter pauses)")
		} else {
			s.Pause(false)
			fmt.Fprintln(c.stdout, "sharing paused: partners see a curtain and cannot type (p and Enter resumes)")
		}
	case "d":
		on, _ := s.OneDriver()
		s.SetOneDriver(!on)
		if on {
			fmt.Fprintln(c.stdout, "one driver at a time is off: everyone who may type types (d and Enter turns it on)")
		} else {
			fmt.Fprintln(c.stdout, "one driver at a time: you drive; partners who type ask for control; give it with /give NAME in `ssh -t HOST chat` (d and Enter turns it off, t and Enter takes control back)")
		}
	case "t":
		if err := s.GiveDrive(sessions.HostID, sessions.HostID); err != nil {
			fmt.Fprintln(c.stdout, "one driver at a time is off: there is no control to take back (d and Enter turns it on)")
		} else {
			fmt.Fprintln(c.stdout, "you drive again")
		}
	default:
		fmt.Fprintln(c.stdout, "duet host: type p and Enter to pause or resume sharing, d to turn one driver at a time on or off, t to take control back")
	}
}

// startRecording records s to path from now on, signed with hostKey; stop takes the
// recording off the session and closes the file.
func startRecording(s *sessions.Session, path string, hostKey ssh.Signer, log *slog.Logger) (stop func(), err error) {
	cols, rows := s.Size()
	rec, err := record.Create(path, record.Options{HostKey: hostKey, Session: s.Name(), Cols: cols, Rows: rows, Logger: log})
	if err != nil {
		return nil, err
	}
	s.SetTap(rec)
	return func() {
		s.SetTap(nil)
		if err := rec.Close(); err != nil {
			log.Error("recording", "err", err)
		}
	}, nil
}

// owner returns this config dir's identity, if there is one: the host may join their own
// session with it without being asked.
func (c *cli) owner(store *keys.Store) ssh.PublicKey {
	own, err := store.LoadIdentity()
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(c.stderr, "duet host: warning: %v\n", err)
		}
		return nil
	}
	return own.PublicKey()
}

// commandLine turns --command into a program and arguments (see sessions.CommandLine).
func commandLine(cmd string) []string { return sessions.CommandLine(cmd) }

// hostName is what partners are told the host is called: the login name, "" if unknown
// (the session then says "host").
func hostName() string {
	for _, v := range []string{"USER", "USERNAME", "LOGNAME"} {
		if n := os.Getenv(v); n != "" {
			return n
		}
	}
	return ""
}
