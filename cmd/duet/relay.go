package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/join"
)

// relayStartTimeout bounds the first login to the relay, the question about its key
// included.
const relayStartTimeout = 5 * time.Minute

// relayOptions are the flags of `duet host` that reach partners through an SSH server.
type relayOptions struct {
	server string // --relay user@server[:port]
	port   int    // --relay-port
}

func (o *relayOptions) flags(fs *flag.FlagSet) {
	fs.StringVar(&o.server, "relay", "", "also reach partners through this SSH server: [user@]server[:port] (a remote forward; the relay cannot read the session)")
	fs.IntVar(&o.port, "relay-port", 0, "port to ask the relay to listen on (default: the relay picks one)")
}

// parse checks the flags; the zero Address means no relay.
func (o *relayOptions) parse() (join.Address, error) {
	if o.server == "" {
		if o.port != 0 {
			return join.Address{}, usageError("--relay-port needs --relay")
		}
		return join.Address{}, nil
	}
	if o.port < 0 || o.port > 65535 {
		return join.Address{}, usageError("--relay-port must be a port number, not %d", o.port)
	}
	a, err := join.ParseServer(o.server)
	if err != nil {
		return join.Address{}, usageError("--relay: %v", err)
	}
	return a, nil
}

// relayHost is what `duet host` needs to start a relay.
type relayHost struct {
	host        *host.Server
	store       *keys.Store
	session     string
	fingerprint string
	prompter    *prompter // asks about an unknown relay key; nil refuses it
	log         *slog.Logger
}

// startRelay logs in to the relay and registers the forward; from then on it prints
// "relay listening on HOST:PORT" and the matching join lines each time the forward is up.
// The returned func stops the relay.
func (c *cli) startRelay(server join.Address, port int, rh relayHost) (stop func(), err error) {
	r := &join.Relay{
		Host:   rh.host,
		Server: server,
		Port:   port,
		Store:  rh.store,
		Logger: rh.log,
		Status: func(st join.RelayStatus) { c.printRelayStatus(st, rh.session, rh.fingerprint) },
	}
	if rh.prompter != nil {
		r.ConfirmHost = rh.prompter.confirmRelay
	}
	ctx, cancel := context.WithTimeout(context.Background(), relayStartTimeout)
	defer cancel()
	if err := r.Start(ctx); err != nil {
		return nil, relayError(err, rh.store)
	}
	return func() { r.Close() }, nil
}

// printRelayStatus prints the relay's news: each time the forward is up, where it
// listens and the lines partners use; when it drops, that it reconnects.
func (c *cli) printRelayStatus(st join.RelayStatus, session, fingerprint string) {
	switch st.State {
	case join.RelayListening:
		fmt.Fprintf(c.stdout, "%s\njoin: %s\ninvite: %s\n", st, st.SSHCommand(session), st.Invite(session, fingerprint))
	case join.RelayRetrying:
		fmt.Fprintln(c.stdout, st)
	case join.RelayStopped:
		if st.Err != nil { // Start's own error is returned, and said once
			fmt.Fprintln(c.stdout, st)
		}
	}
}

// relayError says what went wrong with the relay in words for the terminal.
func relayError(err error, store *keys.Store) error {
	var he *keys.HostKeyError
	var ae *join.AuthError
	switch {
	case errors.As(err, &he) && errors.Is(err, keys.ErrHostKeyChanged):
		return fmt.Errorf("relay: %s", he.Warning())
	case errors.As(err, &he) && errors.Is(err, errNotTrusted):
		return fmt.Errorf("relay: you did not trust the key of %s", he.Host)
	case errors.As(err, &he):
		return fmt.Errorf("relay: %s Run duet host --relay in a terminal to check and trust its key, or add it to %s",
			he.Warning(), store.KnownHosts().Path())
	case errors.As(err, &ae) && ae.DuetKey != "":
		return fmt.Errorf("relay: %w\nadd your Duet key to ~/.ssh/authorized_keys on the relay:\n  %s", err, ae.DuetKey)
	}
	if !strings.HasPrefix(err.Error(), "relay") {
		return fmt.Errorf("relay: %w", err)
	}
	return err
}

// confirmRelay asks on the terminal whether to trust a relay seen for the first time
// (a keys.ConfirmHostFunc).
func (p *prompter) confirmRelay(host string, key ssh.PublicKey) error {
	p.turn <- struct{}{}
	defer func() { <-p.turn }()
	p.drain()
	p.printf("The relay %s is not known yet. Its key fingerprint is\n  %s (%s)\n"+
		"Check it on the relay (ssh-keygen -lf %s).\n"+
		"Trust this relay? (yes/no): ", host, keys.Fingerprint(key), key.Type(), keys.ServerKeyFile(key))
	line, ok := <-p.lines
	if !ok {
		return fmt.Errorf("%w: no answer", errNotTrusted)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "yes", "y":
		return nil
	}
	return errNotTrusted
}
