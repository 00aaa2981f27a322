package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/duetpair/duet/internal/flood"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/join"
)

// MeasureFlood is the window's measuring stand (`duet --flood MB`): a partner joins the
// hosted session over SSH and has mb MB of coloured output scrolled through it, once with
// the window's terminal attached to the session and once without, twice each. It prints
// the partner's throughput both ways and, while the window is attached, how many frames
// it painted and how long the UI goroutine took to handle an event; then it quits.
func (u *UI) MeasureFlood(mb int, out io.Writer) {
	e := u.selected
	if e == nil || !e.hosted() {
		fmt.Fprintln(out, "flood: no hosted session to measure")
		u.quit()
		return
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		if err := u.measureFlood(e, mb, out); err != nil {
			fmt.Fprintln(out, "flood:", err)
		}
		fyne.Do(u.quit)
	}()
}

func (u *UI) measureFlood(e *entry, mb int, out io.Writer) error {
	dir, err := os.MkdirTemp("", "duet-flood")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "chunk")
	if err := os.WriteFile(file, flood.Colour(1<<20), 0o600); err != nil {
		return err
	}
	p, err := u.floodPartner(dir)
	if err != nil {
		return err
	}
	defer p.Close()

	var with, without []float64
	var frames, lat []float64
	for i := range 4 {
		attached := i%2 == 1
		fyne.DoAndWait(func() { u.attachWindow(e, attached) })
		stop := make(chan struct{})
		var probe sync.WaitGroup
		var res probeResult
		f0 := e.term.Frames()
		if attached {
			probe.Go(func() { res = probeUI(stop) })
		}
		start := time.Now()
		marker := fmt.Sprintf("flood-%d-done", 1000+i)
		cmd := fmt.Sprintf("for i in $(seq %d); do cat %s; done; echo flood-$((%d+%d))-done\r", mb, file, 1000, i)
		if _, err := p.Write([]byte(cmd)); err != nil {
			close(stop)
			return fmt.Errorf("type into the session: %w", err)
		}
		if err := readUntil(p, marker, 5*time.Minute); err != nil {
			close(stop)
			return err
		}
		d := time.Since(start)
		close(stop)
		probe.Wait()
		mbps := float64(mb) / d.Seconds()
		if attached {
			with = append(with, mbps)
			frames = append(frames, float64(e.term.Frames()-f0)/d.Seconds())
			u.log.Info("flood run", "frames", e.term.Frames()-f0, "seconds", d.Seconds(), "drops", e.client.Drops())
			lat = append(lat, res.lat...)
		} else {
			without = append(without, mbps)
		}
	}
	fyne.DoAndWait(func() { u.attachWindow(e, true) })
	slices.Sort(lat)
	fmt.Fprintf(out, "window flood: %d MB to a partner: %.1f MB/s with the window showing the session, %.1f MB/s without (best of 2 each)\n",
		mb, slices.Max(with), slices.Max(without))
	fmt.Fprintf(out, "window flood: meanwhile %.0f frames painted per second; UI events handled in p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d probes)\n",
		slices.Min(frames), pct(lat, 0.5), pct(lat, 0.99), pct(lat, 1), len(lat))
	return nil
}

// attachWindow attaches the window's terminal to the session, or detaches it; the
// session goes on either way.
func (u *UI) attachWindow(e *entry, on bool) {
	if !on {
		e.term.OnExit = nil
		e.term.Detach()
		e.client = nil
		return
	}
	if e.client != nil {
		return
	}
	if err := e.attachTerm(); err != nil {
		u.log.Warn("attach the window", "session", e.name, "err", err)
	}
}

// floodPartner joins the hosted session with a key approved for the measurement.
func (u *UI) floodPartner(dir string) (*join.Conn, error) {
	store, err := keys.Open(filepath.Join(dir, "partner"))
	if err != nil {
		return nil, err
	}
	id, err := store.LoadOrCreateIdentity()
	if err != nil {
		return nil, err
	}
	approved := u.cfg.Store.Approved()
	if err := approved.Add(id.PublicKey(), keys.RoleType, "duet --flood"); err != nil {
		return nil, err
	}
	defer approved.Remove(id.Fingerprint())
	addr, err := join.ParseAddress(fmt.Sprintf("main@127.0.0.1:%d", u.hosting.port()))
	if err != nil {
		return nil, err
	}
	addr.HostKey = u.hosting.hostKey.Fingerprint()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := join.Dial(ctx, addr, join.Config{Store: store, NoUserKeys: true, Term: "xterm-256color", Cols: 80, Rows: 24})
	if err != nil {
		return nil, fmt.Errorf("join as a partner: %w", err)
	}
	if _, err := c.Write([]byte("echo ready-$((1+1))\r")); err != nil {
		c.Close()
		return nil, err
	}
	if err := readUntil(c, "ready-2", 10*time.Second); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// readUntil reads c until marker went by; after limit, c is closed.
func readUntil(c *join.Conn, marker string, limit time.Duration) error {
	t := time.AfterFunc(limit, func() { c.Close() })
	defer t.Stop()
	buf := make([]byte, 256<<10)
	var tail []byte
	for {
		n, err := c.Read(buf)
		tail = append(tail, buf[:n]...)
		if bytes.Contains(tail, []byte(marker)) {
			return nil
		}
		if len(tail) > len(marker) {
			tail = append(tail[:0], tail[len(tail)-len(marker):]...)
		}
		if err != nil {
			return fmt.Errorf("no %q within %s: %w", marker, limit, err)
		}
	}
}

type probeResult struct{ lat []float64 }

// probeUI measures, every 20 ms until stop, how long the UI goroutine takes to run an
// event: what a key press or a click waits before it is handled.
func probeUI(stop <-chan struct{}) probeResult {
	var res probeResult
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return res
		case <-t.C:
		}
		start := time.Now()
		fyne.DoAndWait(func() {})
		res.lat = append(res.lat, float64(time.Since(start))/float64(time.Millisecond))
	}
}

func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(int(p*float64(len(sorted))), len(sorted)-1)]
}
