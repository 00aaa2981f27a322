package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/background"
	"github.com/duetpair/duet/sessions/host"
)

// backgroundHost is `duet host --background`: the window started it and hands it its
// sessions (sessions/background); it serves them until they end, `duet stop`, or a window
// takes them back.
func (c *cli) backgroundHost() error {
	if !background.Supported {
		return errors.New("sessions cannot run in the background on this system")
	}
	store, err := c.store()
	if err != nil {
		return err
	}
	hostKey, err := store.LoadOrCreateHostKey()
	if err != nil {
		return err
	}
	ho, err := background.ReadHandoff(os.Stdin)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("pid", os.Getpid())
	approved := store.Approved()
	owner := c.owner(store)
	quit := make(chan struct{})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	signal.Ignore(syscall.SIGHUP) // no terminal; a hangup of the one it came from is not for it
	defer signal.Stop(sig)
	stopWatching := make(chan struct{})
	defer close(stopWatching)
	go func() { // ends with backgroundHost
		select {
		case <-sig:
			close(quit)
		case <-stopWatching:
		}
	}()
	return background.Run(background.Config{
		Dir:     store.Dir(),
		Handoff: ho,
		NewHost: func(reg *sessions.Registry) *host.Server {
			return &host.Server{Sessions: reg, HostKey: hostKey.Signer, Approved: approved, Owner: owner, Logger: log}
		},
		Logger: log,
		Ready: func(addr string) {
			fmt.Fprintf(c.stdout, "ready %s\n", addr)
			if cl, ok := c.stdout.(io.Closer); ok {
				cl.Close() // the window stops waiting
			}
		},
		Quit: quit,
	})
}

// lsCommand is `duet ls`: the sessions running in the background.
func lsCommand() *command {
	var asJSON bool
	return &command{
		flags: func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print JSON") },
		run: func(c *cli, args []string) error {
			if len(args) > 0 {
				return usageError("ls takes no arguments")
			}
			store, err := c.store()
			if err != nil {
				return err
			}
			ls, err := background.List(store.Dir())
			if errors.Is(err, background.ErrNone) {
				if asJSON {
					fmt.Fprintln(c.stdout, `{"sessions":[]}`)
				} else {
					fmt.Fprintln(c.stdout, "no sessions run in the background")
				}
				return nil
			}
			if err != nil {
				return err
			}
			if asJSON {
				b, err := json.MarshalIndent(ls, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "%s\n", b)
				return nil
			}
			printListing(c.stdout, ls)
			return nil
		},
	}
}

// printListing shows what a background host serves, a session a line.
func printListing(w io.Writer, ls *background.Listing) {
	fmt.Fprintf(w, "in the background (duet host, pid %d) on %s:\n", ls.Pid, ls.Addr)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SESSION\tCOMMAND\tSIZE\tPARTNERS\tRUNNING FOR")
	for _, s := range ls.Sessions {
		name := safetext.Line(s.Name, 64)
		if s.Paused {
			name += " (paused)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%dx%d\t%d\t%s\n", name, safetext.Line(s.Command, 60), s.Cols, s.Rows, s.Partners,
			time.Since(s.Started).Round(time.Second))
	}
	tw.Flush()
	fmt.Fprintln(w, "duet (the window) takes them back; duet stop [SESSION] ends them")
}

// stopCommand is `duet stop [SESSION]`: end the sessions running in the background.
func stopCommand() *command {
	return &command{
		run: func(c *cli, args []string) error {
			if len(args) > 1 {
				return usageError("stop takes at most one session name")
			}
			store, err := c.store()
			if err != nil {
				return err
			}
			name := strings.Join(args, "")
			err = background.Stop(store.Dir(), name)
			switch {
			case errors.Is(err, background.ErrNone):
				fmt.Fprintln(c.stdout, "no sessions run in the background")
				return nil
			case err != nil:
				return err
			case name != "":
				fmt.Fprintf(c.stdout, "stopped session %s\n", safetext.Line(name, 64))
			default:
				fmt.Fprintln(c.stdout, "stopped the sessions running in the background")
			}
			return nil
		},
	}
}
