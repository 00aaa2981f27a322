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
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
)

// hostOptions are the flags of `duet host`.
type hostOptions struct {
	listen   string
	name     string
	command  string
	readOnly bool
	approve  string
	relay    relayOptions
}

// hostCommand is `duet host`: share a session from this terminal, without a window.
func hostCommand() *command {
	var o hostOptions
	return &command{
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.listen, "listen", "", "address to listen on (default :2222, or the next free port)")
			fs.StringVar(&o.name, "name", sessions.DefaultName, "session name")
			fs.StringVar(&o.command, "command", "", "command to share (default the login shell)")
			fs.BoolVar(&o.readOnly, "read-only", false, "partners join view only unless their approved key says otherwise")
			fs.StringVar(&o.approve, "approve", "", "unknown keys: prompt (default on a terminal) or deny")
			o.relay.flags(fs)
		},
		run: func(c *cli, args []string) error {
			if len(args) > 0 {
				return usageError("host takes no arguments, only flags")
			}
			return c.host(o)
		},
	}
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

	opt := sessions.Options{Name: o.name, Logger: log}
	if o.command != "" {
		opt.Command = commandLine(o.command)
	}
	reg := &sessions.Registry{}
	sess, err := reg.Start(opt)
	if err != nil {
		return err
	}
	defer reg.Close()

	defaultRole := keys.RoleType
	if o.readOnly {
		defaultRole = keys.RoleView
	}
	h := &host.Server{
		Sessions:    reg,
		HostKey:     hostKey.Signer,
		Approved:    approved,
		Owner:       c.owner(store),
		DefaultRole: defaultRole,
		Logger:      log,
	}
	var p *prompter
	if o.approve == "prompt" || (relay.Host != "" && c.stdinIsTTY) {
		p = newPrompter(c.stdin, c.stdout, defaultRole)
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
