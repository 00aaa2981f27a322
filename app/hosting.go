package app

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/background"
	"github.com/duetpair/duet/sessions/host"
)

// hosting is what the window serves: its sessions and the SSH host serving them on a
// listener. It holds no widgets; its methods are safe from any goroutine.
type hosting struct {
	reg     *sessions.Registry
	host    *host.Server
	hostKey *keys.Key
	l       net.Listener
	addr    string        // the listener's address
	served  chan error    // Serve's result
	endMu   sync.Mutex    // held by shutdown and handOff
	over    bool          // guarded by endMu: stopped or handed off
	ended   chan struct{} // closed once over
}

// startHosting loads (or creates) the host key and starts serving on listen (see
// host.Listen). approve is asked about keys that are not approved; history is
// host.Server.History.
func startHosting(store *keys.Store, listen string, approve host.ApproveFunc, timeout time.Duration, history int, log *slog.Logger) (*hosting, error) {
	h, hostKey, err := newHost(store, approve, timeout, history, log)
	if err != nil {
		return nil, err
	}
	l, err := host.Listen(listen)
	if err != nil {
		return nil, err
	}
	return serveOn(h, hostKey, l), nil
}

// resumeHosting serves the sessions of ho (from a background duet host, or a handoff
// that failed) on its listener, with what it allowed once; it takes ho's terminals and
// returns the sessions adopted.
func resumeHosting(store *keys.Store, ho *background.Handoff, approve host.ApproveFunc, timeout time.Duration, history int, log *slog.Logger) (*hosting, []*sessions.Session, error) {
	h, hostKey, err := newHost(store, approve, timeout, history, log)
	if err != nil {
		return nil, nil, err
	}
	l, err := ho.Listen()
	if err != nil {
		return nil, nil, err
	}
	if err := h.Restore(ho.Grants); err != nil {
		log.Warn("keys allowed once", "err", err)
	}
	adopted, err := background.Adopt(h.Sessions, ho, log)
	if err != nil {
		log.Warn("adopt sessions", "err", err)
	}
	return serveOn(h, hostKey, l), adopted, nil
}

// newHost makes the window's SSH host: the config dir's host key, approved keys and own
// key, with approve asked about the others; history is host.Server.History.
func newHost(store *keys.Store, approve host.ApproveFunc, timeout time.Duration, history int, log *slog.Logger) (*host.Server, *keys.Key, error) {
	hostKey, err := store.LoadOrCreateHostKey()
	if err != nil {
		return nil, nil, err
	}
	approved := store.Approved()
	for _, p := range approved.Problems() {
		log.Warn("approved keys: line skipped", "err", p)
	}
	h := &host.Server{
		Sessions:       &sessions.Registry{},
		HostKey:        hostKey.Signer,
		Approved:       approved,
		Approve:        approve,
		Owner:          ownKey(store, log),
		ApproveTimeout: timeout,
		History:        history,
		Logger:         log,
	}
	return h, hostKey, nil
}

// serveOn serves h on l.
func serveOn(h *host.Server, hostKey *keys.Key, l net.Listener) *hosting {
	hs := &hosting{reg: h.Sessions, host: h, hostKey: hostKey, l: l, addr: l.Addr().String(),
		served: make(chan error, 1), ended: make(chan struct{})}
	go func() { hs.served <- h.Serve(l) }() // owned by shutdown or handOff, which wait for it
	return hs
}

// ownKey returns the user's identity, if there is one: the host may join their own
// session with it without being asked.
func ownKey(store *keys.Store, log *slog.Logger) ssh.PublicKey {
	id, err := store.LoadIdentity()
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			log.Warn("load identity", "err", err)
		}
		return nil
	}
	return id.PublicKey()
}

// start starts a session running command (a command line; "" means the login shell)
// with the size policy size.
func (h *hosting) start(name, command string, size sessions.SizePolicy, log *slog.Logger) (*sessions.Session, error) {
	opt := sessions.Options{Name: name, Size: size, Logger: log}
	if command != "" {
		opt.Command = sessions.CommandLine(command)
	}
	return h.reg.Start(opt)
}

// port returns the port the host listens on.
func (h *hosting) port() int {
	if a, err := net.ResolveTCPAddr("tcp", h.addr); err == nil {
		return a.Port
	}
	return 0
}

// shutdown tells partners the host stops, ends the sessions and waits for all of it.
func (h *hosting) shutdown(log *slog.Logger) {
	h.endMu.Lock()
	defer h.endMu.Unlock()
	if h.over {
		return
	}
	h.over = true
	close(h.ended)
	h.stop(log)
}

// handOff tells partners that the sessions move and takes them out of this process,
// with the listener and what was allowed once (background.Collect), for a background
// duet host; the hosting is over then. On an error nothing changed.
func (h *hosting) handOff(log *slog.Logger) (*background.Handoff, error) {
	h.endMu.Lock()
	defer h.endMu.Unlock()
	if h.over {
		return nil, errors.New("hosting stopped already")
	}
	ho, err := background.Collect(h.host, h.reg, h.l, log)
	if err != nil {
		return nil, err
	}
	h.over = true
	close(h.ended)
	if err := <-h.served; err != nil && !errors.Is(err, host.ErrServerClosed) {
		log.Warn("serve", "err", err)
	}
	h.reg.Close() // what did not move (a session that was ending)
	return ho, nil
}

func (h *hosting) stop(log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := h.host.Shutdown(ctx); err != nil {
		log.Warn("stop hosting", "err", err)
	}
	if err := <-h.served; err != nil && !errors.Is(err, host.ErrServerClosed) {
		log.Warn("serve", "err", err)
	}
	h.reg.Close()
}

// partnerName is what the window calls a partner: the host's name for them (the approved
// key's comment, the name given at approval or the one their Duet sent, all cleaned by
// the host), or where they come from.
func partnerName(p host.Partner) string {
	if p.Name != "" {
		return p.Name
	}
	host, _, err := net.SplitHostPort(p.Remote)
	if err != nil {
		host = p.Remote
	}
	return "a partner from " + host
}
