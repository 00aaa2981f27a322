//go:build !windows

package background

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/duettest"
	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
	"github.com/duetpair/duet/sessions/join"
)

// window is what a test stands in the window with: a host serving a registry, as
// app.hosting does.
type window struct {
	reg    *sessions.Registry
	h      *host.Server
	l      net.Listener
	served chan error
}

// hostFor returns the host the window and the background host serve reg with: the
// store's host key and approved keys, no questions.
func hostFor(t *testing.T, store *keys.Store, reg *sessions.Registry, approve host.ApproveFunc) *host.Server {
	t.Helper()
	hk, err := store.LoadOrCreateHostKey()
	if err != nil {
		t.Fatal(err)
	}
	return &host.Server{Sessions: reg, HostKey: hk.Signer, Approved: store.Approved(), Approve: approve}
}

// openWindow hosts a shell called name on a loopback listener.
func openWindow(t *testing.T, store *keys.Store, approve host.ApproveFunc) *window {
	t.Helper()
	reg := &sessions.Registry{}
	if _, err := reg.Start(sessions.Options{Name: "pair", Command: []string{"/bin/sh"}, Env: []string{"PS1=$ ", "ENV=", "HISTFILE="}}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &window{reg: reg, h: hostFor(t, store, reg, approve), l: l, served: make(chan error, 1)}
	go func() { w.served <- w.h.Serve(l) }()
	t.Cleanup(func() {
		w.h.Shutdown(context.Background())
		<-w.served
		reg.Close()
	})
	return w
}

// runBackground runs Run on ho in this process, as `duet host --background` does, and
// returns, once it serves, a channel closed when Run returned.
func runBackground(t *testing.T, store *keys.Store, ho *Handoff) <-chan struct{} {
	t.Helper()
	ready := make(chan string, 1)
	quit := make(chan struct{})
	done := make(chan struct{})
	var runErr error
	go func() {
		defer close(done)
		runErr = Run(Config{
			Dir: store.Dir(), Handoff: ho, Logger: slog.New(slog.DiscardHandler),
			NewHost: func(reg *sessions.Registry) *host.Server { return hostFor(t, store, reg, nil) },
			Ready:   func(addr string) { ready <- addr },
			Quit:    quit,
		})
	}()
	t.Cleanup(func() {
		close(quit)
		<-done
	})
	select {
	case <-ready:
	case <-done:
		t.Fatalf("the background host did not start: %v", runErr)
	case <-time.After(duettest.Timeout):
		t.Fatal("the background host did not start in time")
	}
	return done
}

// dialPartner joins addr's session pair as a Duet partner with the identity of store.
func dialPartner(t *testing.T, addr string, store *keys.Store) (*join.Conn, *duettest.Output) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), duettest.Timeout)
	defer cancel()
	c, err := dialAs(ctx, addr, store)
	if err != nil {
		t.Fatal(err)
	}
	out := &duettest.Output{}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		io.Copy(out, c)
	}()
	t.Cleanup(func() {
		c.Close()
		<-copied
	})
	return c, out
}

// TestSessionsOutliveTheWindow: the window's shell moves to a background host and back
// without restarting; a Duet partner allowed once stays joined across both moves (it
// reconnects by itself and is not asked about again); List and Stop see the background
// host; an unknown key is refused while nobody is at the window.
func TestSessionsOutliveTheWindow(t *testing.T) {
	dir := t.TempDir()
	store, err := keys.Open(filepath.Join(dir, "host"))
	if err != nil {
		t.Fatal(err)
	}
	partner, err := keys.Open(filepath.Join(dir, "partner"))
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	approve := func(ctx context.Context, req host.ApprovalRequest) host.Decision {
		asked++
		return host.Decision{Answer: host.AllowOnce, Role: keys.RoleType}
	}
	if _, err := List(store.Dir()); !errors.Is(err, ErrNone) {
		t.Fatalf("List with no background host = %v, want ErrNone", err)
	}
	w := openWindow(t, store, approve)
	addr := w.l.Addr().String()
	pc, out := dialPartner(t, addr, partner)
	pc.Write([]byte("X=same-$$; seq 1 200; echo before-$X\r"))
	out.WaitFor(t, "before-same-")
	kept := w.reg.Lookup("pair").Screen().ScrollbackLen()

	// The window quits, keeping its session.
	ho, err := Collect(w.h, w.reg, w.l, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	<-w.served
	w.served <- host.ErrServerClosed
	if len(ho.Sessions) != 1 || ho.Addr != addr || len(ho.Grants) != 1 {
		t.Fatalf("handoff of %d sessions on %s with %d grants; want 1 on %s, 1 grant", len(ho.Sessions), ho.Addr, len(ho.Grants), addr)
	}
	runBackground(t, store, ho)

	ls, err := List(store.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if ls.Addr != addr || len(ls.Sessions) != 1 || ls.Sessions[0].Name != "pair" {
		t.Errorf("listing %+v, want session pair on %s", ls, addr)
	}
	typeUntil(t, pc, out, "echo in-background-$X", "in-background-same-")
	duettest.Poll(t, "the partner in the listing", func() bool {
		ls, err := List(store.Dir())
		return err == nil && len(ls.Sessions) == 1 && ls.Sessions[0].Partners == 1
	})

	// An unknown key: refused, nobody is there to ask.
	stranger, err := keys.Open(filepath.Join(dir, "stranger"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dialErr(addr, stranger); err == nil {
		t.Error("a stranger joined the background host")
	}

	// The window opens again and takes the session back.
	tk, err := Take(store.Dir())
	if err != nil {
		t.Fatal(err)
	}
	reg := &sessions.Registry{}
	defer reg.Close()
	adopted, err := Adopt(reg, tk.Handoff, slog.New(slog.DiscardHandler))
	if err != nil || len(adopted) != 1 {
		t.Fatalf("adopted %d sessions, err %v", len(adopted), err)
	}
	// The scrollback came along, both ways (what scrolled in the background on top).
	if n := adopted[0].Screen().ScrollbackLen(); kept < 150 || n < kept {
		t.Errorf("the window took back %d lines of scrollback; %d before it quit", n, kept)
	}
	l, err := tk.Listen()
	if err != nil {
		t.Fatal(err)
	}
	h := hostFor(t, store, reg, approve)
	if err := h.Restore(tk.Grants); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- h.Serve(l) }()
	tk.Done(nil)
	tk.Close()
	defer func() {
		h.Shutdown(context.Background())
		<-served
	}()
	if _, err := List(store.Dir()); !errors.Is(err, ErrNone) {
		t.Errorf("List after the window took the sessions = %v, want ErrNone", err)
	}
	typeUntil(t, pc, out, "echo back-$X", "back-same-")
	if asked != 1 {
		t.Errorf("the host was asked %d times about the partner, want once", asked)
	}
}

// TestStopBackground: duet stop ends one session, then all, and the background host.
func TestStopBackground(t *testing.T) {
	store, err := keys.Open(filepath.Join(t.TempDir(), "host"))
	if err != nil {
		t.Fatal(err)
	}
	w := openWindow(t, store, nil)
	if _, err := w.reg.Start(sessions.Options{Name: "second", Command: []string{"/bin/sh"}}); err != nil {
		t.Fatal(err)
	}
	ho, err := Collect(w.h, w.reg, w.l, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	<-w.served
	w.served <- host.ErrServerClosed
	pids := []int{ho.Sessions[0].Pid, ho.Sessions[1].Pid}
	done := runBackground(t, store, ho)
	if err := Stop(store.Dir(), "nosuch"); err == nil || !strings.Contains(err.Error(), "no session nosuch") {
		t.Errorf("Stop nosuch = %v", err)
	}
	if err := Stop(store.Dir(), "second"); err != nil {
		t.Fatal(err)
	}
	if ls, err := List(store.Dir()); err != nil || len(ls.Sessions) != 1 {
		t.Fatalf("after stopping one: %+v, %v", ls, err)
	}
	if err := Stop(store.Dir(), ""); err != nil {
		t.Fatal(err)
	}
	duettest.Await(t, done, "the background host to end")
	for _, pid := range pids {
		duettest.Poll(t, "the session's command to end", func() bool { return !alive(pid) })
	}
	if _, err := List(store.Dir()); !errors.Is(err, ErrNone) {
		t.Errorf("List after stop = %v, want ErrNone", err)
	}
}

// dialErr tries to join addr with store's identity, and says why it could not (nil if it
// was let in).
func dialErr(addr string, store *keys.Store) (*join.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), duettest.Timeout)
	defer cancel()
	c, err := dialAs(ctx, addr, store)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	go io.Copy(io.Discard, c) // ends with c
	select {
	case <-c.Done():
	case <-ctx.Done():
		return c, nil // still in: not refused
	}
	if said := c.HostSaid(); said.State.Final() {
		return c, errors.New(said.Message())
	}
	_, err = c.Wait()
	return c, err
}

// typeUntil types line into c until want shows: what is typed while the partner's link
// goes down may be lost with it, before the Conn notices and holds it.
func typeUntil(t *testing.T, c *join.Conn, out *duettest.Output, line, want string) {
	t.Helper()
	deadline := time.Now().Add(duettest.Timeout)
	for !out.WaitWithin(want, 2*time.Second) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never showed %q; output %q", line, want, duettest.Tail(out.Bytes(), 300))
		}
		c.Write([]byte(line + "\r"))
	}
}

func alive(pid int) bool { return syscall.Kill(pid, 0) != syscall.ESRCH }

// dialAs joins session pair at addr as a Duet partner with store's identity.
func dialAs(ctx context.Context, addr string, store *keys.Store) (*join.Conn, error) {
	h, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	return join.Dial(ctx, join.Address{User: "pair", Host: h, Port: port}, join.Config{
		Store: store, Term: "xterm-256color", Cols: 80, Rows: 24, NoUserKeys: true,
		ConfirmHost: func(string, ssh.PublicKey) error { return nil },
	})
}
