package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/duetpair/duet/sessions/record"
	"github.com/duetpair/duet/terminal"
)

// playOptions are the flags of `duet play`.
type playOptions struct {
	speed float64 // how many times faster than real time
	idle  float64 // pauses longer than this many seconds are cut to it; 0 keeps them
	here  bool    // play in this terminal, not in a window
}

// playCommand is `duet play [--speed N] [--idle S] [--here] FILE`: replay a recording in
// Duet's terminal, in a window (or in this terminal without a display).
func playCommand() *command {
	var o playOptions
	return &command{
		flags: func(fs *flag.FlagSet) {
			fs.Float64Var(&o.speed, "speed", 1, "play N times faster than it was recorded")
			fs.Float64Var(&o.idle, "idle", 2, "cut pauses longer than this many seconds (0: keep them)")
			fs.BoolVar(&o.here, "here", false, "play in this terminal instead of a window")
		},
		run: func(c *cli, args []string) error {
			if len(args) != 1 {
				return usageError("play takes one recording file")
			}
			if o.speed <= 0 || o.idle < 0 {
				return usageError("--speed must be more than 0 and --idle not negative")
			}
			return c.play(args[0], o)
		},
	}
}

func (c *cli) play(path string, o playOptions) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot open the recording: %w", errors.Unwrap(err))
	}
	defer f.Close()
	rd, err := record.NewReader(f)
	if err != nil {
		return err
	}
	p := newPlayer(rd, o)
	if o.here || !hasDisplay() {
		_, err := io.Copy(c.stdout, p)
		return err
	}
	a := fyneapp.NewWithID("io.github.duetpair.duet")
	w := a.NewWindow("Duet — playing " + path)
	t := terminal.New()
	w.SetContent(t)
	w.Resize(fyne.NewSize(900, 560))
	t.Attach(p)
	defer t.Detach()
	t.OnTitle = func(title string) { w.SetTitle("Duet — playing " + path + " — " + title) }
	w.Canvas().Focus(t)
	w.ShowAndRun()
	return p.err()
}

// player is a recording as a terminal stream: Read returns its output at the speed it
// was recorded (times speed), what is typed into it is ignored, and SessionSize is the
// recorded terminal's size, so the widget shows the area beyond it as outside.
type player struct {
	rd    *record.Reader
	speed float64
	idle  float64
	start time.Time
	shift float64 // seconds of pauses cut so far
	last  float64 // the time of the last event

	mu         sync.Mutex // guards the fields below
	cols, rows int
	closed     bool
	readErr    error
	stop       chan struct{}
	pending    []byte
}

func newPlayer(rd *record.Reader, o playOptions) *player {
	return &player{
		rd: rd, speed: o.speed, idle: o.idle, start: time.Now(),
		cols: rd.Header.Width, rows: rd.Header.Height, stop: make(chan struct{}),
	}
}

func (p *player) Read(b []byte) (int, error) {
	for {
		p.mu.Lock()
		if len(p.pending) > 0 {
			n := copy(b, p.pending)
			p.pending = p.pending[n:]
			p.mu.Unlock()
			return n, nil
		}
		if p.closed {
			p.mu.Unlock()
			return 0, io.EOF
		}
		p.mu.Unlock()
		e, err := p.rd.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				p.mu.Lock()
				p.readErr = err
				p.mu.Unlock()
			}
			return 0, io.EOF
		}
		if p.idle > 0 && e.Time-p.last > p.idle {
			p.shift += e.Time - p.last - p.idle
		}
		p.last = e.Time
		at := p.start.Add(time.Duration((e.Time - p.shift) / p.speed * float64(time.Second)))
		if d := time.Until(at); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-p.stop:
				t.Stop()
				return 0, io.EOF
			}
		}
		p.mu.Lock()
		switch e.Type {
		case "o":
			p.pending = append(p.pending, e.Data...)
		case "r":
			p.cols, p.rows = e.Cols, e.Rows
		}
		p.mu.Unlock()
	}
}

// Write ignores what is typed: a recording only plays.
func (p *player) Write(b []byte) (int, error) { return len(b), nil }

// Resize is the window's size; the recording keeps its own.
func (p *player) Resize(cols, rows int) error { return nil }

// SessionSize is the recorded terminal's size now.
func (p *player) SessionSize() (cols, rows int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cols, p.rows
}

func (p *player) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		close(p.stop)
	}
	return nil
}

func (p *player) err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.readErr
}
