package app

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
)

// hosting is what the window serves: its sessions and the SSH host serving them on a
// listener. It holds no widgets; its methods are safe from any goroutine.
type hosting struct {
	reg     *sessions.Registry
	host    *host.Server
	hostKey *keys.Key
	addr    string     // the listener's address
	served  chan error // Serve's result
}

// startHosting loads (or creates) the host key and starts serving on listen (see
// host.Listen). approve is asked about keys that are not approved; history is
// host.Server.History.
func startHosting(store *keys.Store, listen string, approve host.ApproveFunc, timeout time.Duration, history int, log *slog.Logger) (*hosting, error) {
	hostKey, err := store.LoadOrCreateHostKey()
	if err != nil {
		return nil, err
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
	l, err := host.Listen(listen)
	if err != nil {
		return nil, err
	}
	hs := &hosting{reg: h.Sessions, host: h, hostKey: hostKey, addr: l.Addr().String(), served: make(chan error, 1)}
	go func() { hs.served <- h.Serve(l) }() // owned by shutdown, which waits for it
	return hs, nil
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
