package main

import (
	"errors"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/duetpair/duet/app"
	"github.com/duetpair/duet/assets"
	"github.com/duetpair/duet/internal/urlscheme"
	"github.com/duetpair/duet/sessions/join"
)

// appID is Duet's application id (FyneApp.toml, desktop files, preferences).
const appID = "io.github.duetpair.duet"

// windowOptions are the flags of `duet` without a command.
type windowOptions struct {
	listen  string
	floodMB int    // measure: flood the default session with this many MB, report, quit
	join    string // an invite or address to join instead of hosting at start
}

// windowCommand is `duet` with no command: the window.
func windowCommand() *command {
	var o windowOptions
	return &command{
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.listen, "listen", "", "address partners connect to (default :2222, or the next free port)")
			fs.IntVar(&o.floodMB, "flood", 0, "measure: scroll N MB through the hosted session with a partner attached, print the window's responsiveness and the partner's throughput, quit")
		},
		run: func(c *cli, args []string) error {
			switch {
			case len(args) == 1 && isInvite(args[0]):
				// An invite link opened with Duet (the desktop file's duet:// handler):
				// the window joins it and hosts nothing.
				if _, err := join.ParseAddress(args[0]); err != nil {
					return err
				}
				o.join = args[0]
			case len(args) > 1 && isInvite(args[0]):
				return usageError("the window joins one invite at a time, not %d", len(args))
			case len(args) > 0:
				return usageError("unknown command %q", args[0])
			}
			if o.floodMB < 0 {
				return usageError("--flood takes a positive number of MB")
			}
			return c.window(o)
		},
	}
}

// window opens the Duet window and returns when it is closed.
func (c *cli) window(o windowOptions) error {
	if !hasDisplay() {
		return errNoDisplay
	}
	store, err := c.store()
	if err != nil {
		return err
	}
	leaveOwnConsole()
	log := slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("duet.png", assets.Icon))
	w := a.NewWindow("Duet")
	w.SetMaster()
	w.Resize(fyne.NewSize(1240, 760))
	ui := app.New(a, w, app.Config{Store: store, Listen: o.listen, Logger: log, Out: c.stdout, Join: o.join})
	a.Lifecycle().SetOnStarted(func() {
		go registerScheme(log) // nothing of it holds the window up
		ui.Start()
		if o.floodMB > 0 {
			ui.MeasureFlood(o.floodMB, c.stdout)
		}
	})
	w.ShowAndRun()
	ui.Close()
	return nil
}

// registerScheme makes this program the handler of duet:// invite links where the
// program does that itself (Windows: the user's registry; elsewhere the installed
// package does it). Only a program named duet takes the links over: not a test binary,
// nor a renamed copy someone tries out.
func registerScheme(log *slog.Logger) {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	if name := strings.ToLower(filepath.Base(exe)); name != "duet" && name != "duet.exe" {
		return
	}
	changed, err := urlscheme.Register(exe)
	switch {
	case errors.Is(err, urlscheme.ErrUnsupported):
	case err != nil:
		log.Warn("duet:// links could not be registered", "err", err)
	case changed:
		log.Info("duet:// links open this program now", "exe", exe)
	}
}
