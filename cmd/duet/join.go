package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/join"
)

// joinOptions are the flags of `duet join`.
type joinOptions struct {
	identity string
	command  string
	jump     string
}

// joinCommand is `duet join ADDR`: join a Duet host, or any SSH server, in this terminal.
func joinCommand() *command {
	var o joinOptions
	return &command{
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.identity, "identity", "", "private key file to join with (instead of Duet's key, the ssh-agent and ~/.ssh)")
			fs.StringVar(&o.command, "command", "", "command to run instead of the shell, e.g. 'tmux new -A -s pair'")
			fs.StringVar(&o.jump, "jump", "", "connect through this SSH server, as ssh -J: [user@]server[:port]")
		},
		run: func(c *cli, args []string) error {
			if len(args) != 1 {
				return usageError("join takes one address, such as host, host:port, user@host:port, ssh://user@host or an invite")
			}
			addr, err := join.ParseAddress(args[0])
			if err != nil {
				return usageError("%v", err)
			}
			if o.jump != "" {
				if _, err := join.ParseServer(o.jump); err != nil {
					return usageError("--jump: %v", err)
				}
				addr.Jump = o.jump
			}
			return c.join(addr, o)
		},
	}
}

// exitCode is returned by a command that ends with a given exit status (the remote
// command's), which says everything: nothing is printed.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// errNotTrusted is the answer "no" to the question about an unknown host.
var errNotTrusted = errors.New("host key not trusted")

// join joins addr: the local terminal becomes the remote one until the session ends.
func (c *cli) join(addr join.Address, o joinOptions) error {
	store, err := c.store()
	if err != nil {
		return err
	}
	t, err := newJoinTerm(c)
	if err != nil {
		return err
	}
	defer t.restore() // on every way out; signals too (see watchSignals)
	t.sshServer = addr.SSH
	cfg := join.Config{
		Store:        store,
		IdentityFile: o.identity,
		Command:      o.command,
		Passphrase:   t.passphrase,
		Status:       t.status,
	}
	if !t.tty {
		cfg.Stderr = c.stderr // keep a pipe's data clean
	}
	if t.tty {
		cfg.ConfirmHost = t.confirmHost
		cfg.ReplaceHost = t.replaceHost
		cfg.Prompt = t.prompt
		cfg.Term = os.Getenv("TERM")
		if cfg.Term == "" || cfg.Term == "dumb" {
			cfg.Term = "xterm-256color"
		}
		cfg.Cols, cfg.Rows = t.size()
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopSignals := t.watchSignals(cancel)
	defer stopSignals()
	conn, err := join.Dial(ctx, addr, cfg)
	if err != nil {
		return joinError(err)
	}
	defer conn.Close()
	t.joined(conn)
	if err := t.makeRaw(); err != nil {
		return err
	}

	var wg sync.WaitGroup
	wg.Go(func() { io.Copy(c.stdout, conn) })
	stopInput := t.pumpInput(conn)
	stopResize := t.followSize(conn)
	status, err := conn.Wait()
	wg.Wait() // the output ends with the session: all of it is shown
	stopResize()
	stopInput()
	t.restore()

	switch {
	case err == nil && status == 0:
		return nil
	case err == nil:
		return exitCode(status)
	case t.interrupted() != "":
		return fmt.Errorf("stopped (%s)", t.interrupted())
	}
	return joinError(err)
}

// joinError says what went wrong in words for the terminal.
func joinError(err error) error {
	var he *keys.HostKeyError
	var ae *join.AuthError
	switch {
	case errors.As(err, &he) && errors.Is(err, errNotReplaced):
		return fmt.Errorf("not joined: you kept the stored key of %s", he.Host)
	case errors.As(err, &he) && errors.Is(err, keys.ErrHostKeyChanged):
		return errors.New(he.Warning())
	case errors.As(err, &he) && errors.Is(err, errNotTrusted):
		return fmt.Errorf("not joined: you did not trust the key of %s", he.Host)
	case errors.As(err, &he):
		return fmt.Errorf("%s; join from a terminal to check and trust its key, or use the host's invite (duet://...)",
			strings.TrimSuffix(he.Warning(), "."))
	case errors.As(err, &ae):
		if ae.DuetKey == "" || !ae.KeysRefused() {
			return err
		}
		return fmt.Errorf("%w\nyour Duet key, for the host to approve (or to add to ~/.ssh/authorized_keys on an SSH server):\n  %s",
			err, ae.DuetKey)
	case errors.Is(err, join.ErrHostClosed):
		return errors.New("the host closed the session")
	}
	return err
}
