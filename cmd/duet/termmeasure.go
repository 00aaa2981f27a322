package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/duetpair/duet/internal/flood"
	"github.com/duetpair/duet/terminal"
)

// measure drives `duet term --flood` and `--latency`: it waits for the window's first
// frame, runs, prints one result line and quits the app.
type measure struct {
	out io.Writer
	t   *terminal.Terminal
	a   fyne.App
}

func newMeasure(out io.Writer, t *terminal.Terminal, a fyne.App) *measure {
	return &measure{out: out, t: t, a: a}
}

// firstFrame waits until the window has drawn once.
func (m *measure) firstFrame() bool {
	deadline := time.Now().Add(30 * time.Second)
	for m.t.Frames() == 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

func (m *measure) fail(msg string) {
	fmt.Fprintln(m.out, "duet term:", msg)
	fyne.Do(m.a.Quit)
}

// flood streams mb megabytes of coloured text into the widget and reports throughput and
// the frames painted meanwhile.
func (m *measure) flood(mb int) {
	go func() {
		if !m.firstFrame() {
			m.fail("the window never drew a frame")
			return
		}
		chunk := flood.Colour(1 << 20)
		s := &repeatStream{chunk: chunk, left: mb}
		start, f0 := time.Now(), m.t.Frames()
		fyne.Do(func() {
			m.t.OnExit = func(error) {
				d := time.Since(start)
				frames := m.t.Frames() - f0
				fmt.Fprintf(m.out, "flood: %d MB in %.2f s = %.1f MB/s, %d frames painted = %.1f frames/s\n",
					mb, d.Seconds(), float64(mb)/d.Seconds(), frames, float64(frames)/d.Seconds())
				m.a.Quit()
			}
			m.t.Attach(s)
		})
	}()
}

// latency types n keys into cat and reports how long each took from the key event to a
// painted frame showing its echo.
func (m *measure) latency(n int) {
	go func() {
		if !m.firstFrame() {
			m.fail("the window never drew a frame")
			return
		}
		var lat []time.Duration
		for i := 1; i <= n; i++ {
			start := time.Now()
			fyne.Do(func() { m.t.TypedRune('x') })
			deadline := start.Add(5 * time.Second)
			for strings.Count(m.t.Screen().Text(), "x") < i {
				if time.Now().After(deadline) {
					m.fail("a keystroke was not echoed within 5 s")
					return
				}
				time.Sleep(100 * time.Microsecond)
			}
			f := m.t.Frames()
			for m.t.Frames() == f {
				if time.Now().After(deadline) {
					m.fail("no frame was drawn for an echo within 5 s")
					return
				}
				time.Sleep(100 * time.Microsecond)
			}
			lat = append(lat, time.Since(start))
			time.Sleep(20 * time.Millisecond) // one key at a time, as a person types
		}
		slices.Sort(lat)
		fmt.Fprintf(m.out, "latency: %d keys, key to painted echo p50 %.1f ms, p90 %.1f ms, max %.1f ms\n",
			n, ms(lat[len(lat)/2]), ms(lat[len(lat)*9/10]), ms(lat[len(lat)-1]))
		fyne.Do(m.a.Quit)
	}()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// repeatStream plays a chunk of output left times, as fast as it is read.
type repeatStream struct {
	chunk []byte
	left  int
	r     bytes.Reader
}

func (s *repeatStream) Read(p []byte) (int, error) {
	if s.r.Len() == 0 {
		if s.left == 0 {
			return 0, io.EOF
		}
		s.left--
		s.r.Reset(s.chunk)
	}
	return s.r.Read(p)
}

func (s *repeatStream) Write(p []byte) (int, error) { return len(p), nil }
func (s *repeatStream) Close() error                { return nil }
func (s *repeatStream) Resize(int, int) error       { return nil }
