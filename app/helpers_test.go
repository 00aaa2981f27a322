package app

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/background"
	"github.com/duetpair/duet/sessions/join"
)

// uiLoop stands in for Fyne's UI goroutine. Fyne's test driver runs fyne.Do functions
// on the calling goroutine, so the window's background goroutines (and the terminal
// widget's) would touch widgets alongside the test; the test app's driver queues them
// to this one goroutine instead, as the real driver does, and the test runs its own UI
// calls there too (ui).
type uiLoop struct {
	mu    sync.Mutex
	queue []func()
	wake  chan struct{}
	stop  chan struct{}
	done  chan struct{}
}

func newUILoop() *uiLoop {
	l := &uiLoop{wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go l.run()
	return l
}

// run runs the queued functions one at a time until stop. A function that ends its
// goroutine (t.Fatal on the UI goroutine: runtime.Goexit) does not end the loop: another
// goroutine goes on with the queue, and the test's own call sees it (see call).
func (l *uiLoop) run() {
	stopped := false
	defer func() {
		if !stopped {
			go l.run()
			return
		}
		close(l.done)
	}()
	for {
		l.mu.Lock()
		var f func()
		if len(l.queue) > 0 {
			f = l.queue[0]
			l.queue = l.queue[1:]
		}
		l.mu.Unlock()
		if f != nil {
			f()
			continue
		}
		select {
		case <-l.wake:
		case <-l.stop:
			stopped = true
			return
		}
	}
}

// post queues f without waiting, as fyne.Do does.
func (l *uiLoop) post(f func()) {
	l.mu.Lock()
	l.queue = append(l.queue, f)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// call runs f on the loop and waits for it; it reports false if f did not return (it
// called t.Fatal or t.FailNow).
func (l *uiLoop) call(f func()) bool {
	done := make(chan bool, 1)
	l.post(func() {
		returned := false
		defer func() { done <- returned }()
		f()
		returned = true
	})
	return <-done
}

// loopDriver is the test driver with fyne.Do going through the loop.
type loopDriver struct {
	fyne.Driver
	l *uiLoop
}

func (d loopDriver) DoFromGoroutine(f func(), wait bool) {
	if wait {
		_ = d.l.call(f)
		return
	}
	d.l.post(f)
}

// loopApp is the test app with the loop's driver; it records notifications.
type loopApp struct {
	fyne.App
	d loopDriver

	mu            sync.Mutex
	notifications []*fyne.Notification
	urls          []string // links opened (pairing_test.go)
}

func (a *loopApp) Driver() fyne.Driver { return a.d }

func (a *loopApp) SendNotification(n *fyne.Notification) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.notifications = append(a.notifications, n)
}

func (a *loopApp) sent() []*fyne.Notification {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*fyne.Notification(nil), a.notifications...)
}

// harness is a window under test: the UI, its app, window, loop and config dir.
type harness struct {
	t     *testing.T
	u     *UI
	a     *loopApp
	w     fyne.Window
	loop  *uiLoop
	store *keys.Store
	close func() // closes the window and its loop; once (also when the test ends)
}

// ui runs f on the UI goroutine and waits for it. A t.Fatal in f stops the test here,
// on the test's goroutine, as if it had been called here.
func (h *harness) ui(f func()) {
	if !h.loop.call(f) {
		h.t.FailNow()
	}
}

// options change the window's config before it opens.
type options struct {
	noHostOnStart  bool
	approveTimeout time.Duration
	recordDir      string
	setup          func(store *keys.Store) // prepares the config dir
	join           string                  // Config.Join: opened to join this (no hosting)
	store          *keys.Store             // the config dir; nil: a new one
	keep           func(*background.Handoff) error
}

// newHarness opens the window on Fyne's test driver with a fresh config dir and hosts on
// 127.0.0.1.
func newHarness(t *testing.T, o options) *harness {
	t.Helper()
	t.Setenv("SHELL", "/bin/sh")
	t.Setenv("PS1", "$ ")
	ta := test.NewTempApp(t)
	loop := newUILoop()
	a := &loopApp{App: ta}
	a.d = loopDriver{Driver: ta.Driver(), l: loop}
	fyne.SetCurrentApp(a)
	h := &harness{t: t, a: a, loop: loop, store: o.store}
	if h.store == nil {
		h.store = keys.NewStore(t.TempDir())
	}
	if o.noHostOnStart {
		s := defaultSettings()
		s.HostOnStart = false
		if err := s.save(h.store); err != nil {
			t.Fatal(err)
		}
	}
	if o.setup != nil {
		o.setup(h.store)
	}
	cfg := Config{
		Store: h.store, Listen: "127.0.0.1:0", ApproveTimeout: o.approveTimeout, RecordDir: o.recordDir, Join: o.join, Keep: o.keep,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}
	h.ui(func() {
		h.w = test.NewWindow(nil)
		h.w.Resize(fyne.NewSize(1240, 760))
		h.u = New(a, h.w, cfg)
		h.u.Start()
	})
	h.close = sync.OnceFunc(func() {
		h.ui(func() { h.u.shutdown(nil) })
		h.u.Close()
		h.ui(func() { h.w.Close() })
		close(loop.stop)
		<-loop.done
		fyne.SetCurrentApp(ta)
	})
	t.Cleanup(h.close)
	return h
}

// testWriter sends the window's log to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// waitFor polls cond (run on the UI goroutine) until it holds or the deadline passes.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var ok bool
		h.ui(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
	}
}

// hostAddr returns the address the window hosts on.
func (h *harness) hostAddr() string {
	var addr string
	h.ui(func() {
		if h.u.hosting != nil {
			addr = h.u.hosting.addr
		}
	})
	if addr == "" {
		h.t.Fatal("the window does not host")
	}
	return addr
}

// partner is someone joining the window's host with a key of their own.
type partner struct {
	store  *keys.Store
	out    *duettest.Output
	dialed chan struct{} // closed when Dial returned

	mu   sync.Mutex // guards conn and err
	conn *join.Conn
	err  error

	done chan struct{} // closed when Dial returned and output copying ended
}

// join starts joining the window's host as a new partner; Dial runs in the background
// because it returns only once the host let the session start.
func (h *harness) join(session string) *partner {
	h.t.Helper()
	return h.joinWith(keys.NewStore(h.t.TempDir()))
}

// joinWith joins session main as the partner whose config dir is store.
func (h *harness) joinWith(store *keys.Store) *partner {
	h.t.Helper()
	return h.joinAt(store, "main@"+h.hostAddr())
}

// joinAt joins the address or invite text as the partner whose config dir is store.
func (h *harness) joinAt(store *keys.Store, text string) *partner {
	h.t.Helper()
	return h.joinAs(store, text, "")
}

// joinAs joins as joinAt does, with a display name ("" sends none, as OpenSSH).
func (h *harness) joinAs(store *keys.Store, text, name string) *partner {
	h.t.Helper()
	p := &partner{store: store, out: &duettest.Output{}, dialed: make(chan struct{}), done: make(chan struct{})}
	addr, err := join.ParseAddress(text)
	if err != nil {
		h.t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		conn, err := join.Dial(context.Background(), addr, join.Config{
			Store: p.store, Name: name, NoUserKeys: true, Term: "xterm", Cols: 80, Rows: 24,
			ConfirmHost:  func(string, ssh.PublicKey) error { return nil },
			ReconnectFor: -1,
		})
		p.mu.Lock()
		p.conn, p.err = conn, err
		p.mu.Unlock()
		close(p.dialed)
		if err != nil {
			return
		}
		io.Copy(p.out, conn)
	}()
	h.t.Cleanup(func() {
		<-p.dialed
		if c := p.connection(); c != nil {
			c.Close()
		}
		<-p.done
	})
	return p
}

// connection returns the partner's connection once Dial returned, or nil.
func (p *partner) connection() *join.Conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conn
}

// ended waits for the partner's connection to end and returns its exit status.
func (p *partner) ended(t *testing.T) int {
	t.Helper()
	<-p.dialed
	c := p.connection()
	if c == nil {
		t.Fatalf("join failed: %v", p.err)
	}
	select {
	case <-c.Done():
	case <-time.After(15 * time.Second):
		t.Fatal("the partner's connection did not end")
	}
	status, _ := c.Wait()
	return status
}

// fingerprint returns the partner's key fingerprint (the key exists once Dial started).
func (p *partner) fingerprint(t *testing.T) string {
	t.Helper()
	id, err := p.store.LoadOrCreateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	return id.Fingerprint()
}

// row returns the copy row whose text is text.
func (p *sharePanel) row(text string) *copyRow {
	for _, r := range append(p.lines, p.relayLines...) {
		if r.text == text {
			return r
		}
	}
	return nil
}
