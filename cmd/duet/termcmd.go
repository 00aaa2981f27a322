package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/terminal"
)

// termOptions are the flags of `duet term`.
type termOptions struct {
	floodMB int // measure: stream this many MB of coloured output through the window
	latency int // measure: type this many keys into `cat` and time each echo's frame
}

// termCommand is `duet term [-- CMD ARGS]`: a local command (default the login shell) in
// Duet's terminal widget, in a window of its own. It is the widget's demo and its
// measuring stand (--flood, --latency); it shares nothing.
func termCommand() *command {
	var o termOptions
	return &command{
		flags: func(fs *flag.FlagSet) {
			fs.IntVar(&o.floodMB, "flood", 0, "measure: stream N MB of coloured output through the window, print throughput and frames, quit")
			fs.IntVar(&o.latency, "latency", 0, "measure: type N keys into cat, print how long each echo takes to be drawn, quit")
		},
		run: func(c *cli, args []string) error { return c.term(o, args) },
	}
}

func (c *cli) term(o termOptions, args []string) error {
	if o.floodMB < 0 || o.latency < 0 || (o.floodMB > 0 && o.latency > 0) {
		return usageError("--flood and --latency take a positive number, and only one of them")
	}
	if !hasDisplay() {
		return errNoDisplay
	}
	if o.latency > 0 {
		args = []string{"cat"}
	}
	a := fyneapp.NewWithID("io.github.duetpair.duet")
	w := a.NewWindow("Duet terminal")
	t := terminal.New()
	w.SetContent(t)
	w.Resize(fyne.NewSize(900, 560))

	var exitErr error
	switch {
	case o.floodMB > 0:
		m := newMeasure(c.stdout, t, a)
		m.flood(o.floodMB)
	default:
		s, err := sessions.Start(sessions.Options{Command: args})
		if err != nil {
			return fmt.Errorf("start %s: %w", strings.Join(args, " "), err)
		}
		defer s.Close()
		cols, rows := t.GridSize()
		cl, err := s.Attach(sessions.AttachOptions{Name: "window", Cols: cols, Rows: rows, FollowSize: true})
		if err != nil {
			return fmt.Errorf("attach to the session: %w", err)
		}
		t.OnExit = func(err error) {
			exitErr = err
			a.Quit()
		}
		t.Attach(sessions.NewStream(cl))
		defer t.Detach()
		if o.latency > 0 {
			newMeasure(c.stdout, t, a).latency(o.latency)
		}
	}
	t.OnTitle = func(title string) { w.SetTitle("Duet terminal — " + title) }
	w.Canvas().Focus(t)
	w.ShowAndRun()
	var ee *sessions.ExitError
	if errors.As(exitErr, &ee) && ee.Exit.Code != 0 {
		return exitCode(ee.Exit.Code)
	}
	return nil
}
