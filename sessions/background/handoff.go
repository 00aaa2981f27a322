package background

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
)

// ErrNone is returned by [List], [Stop] and [Take] when no background host runs for the
// config dir.
var ErrNone = errors.New("no sessions run in the background")

// SocketName is the background host's socket in the config dir.
const SocketName = "background.sock"

// LogName is the background host's log in the config dir.
const LogName = "background.log"

// handoverTimeout bounds telling partners that the sessions move.
const handoverTimeout = 3 * time.Second

// Handoff is what moves between the window and a background host: the listening
// socket, the sessions with their terminals, and the keys allowed once. Whoever holds it
// owns its files: [Adopt] takes the sessions', Close closes what is left.
type Handoff struct {
	Addr     string            `json:"addr"` // the address partners connect to
	Sessions []*sessions.Moved `json:"sessions"`
	Grants   []host.Grant      `json:"grants"`
	Listener *os.File          `json:"-"`
}

// files returns the Handoff's files in the order they travel: the listener, then each
// session's terminal.
func (ho *Handoff) files() []*os.File {
	fs := []*os.File{ho.Listener}
	for _, m := range ho.Sessions {
		fs = append(fs, m.Master)
	}
	return fs
}

// setFiles takes fs, in the order of files, as the Handoff's files.
func (ho *Handoff) setFiles(fs []*os.File) error {
	if len(fs) != 1+len(ho.Sessions) {
		for _, f := range fs {
			f.Close()
		}
		return fmt.Errorf("handoff: %d files for %d sessions", len(fs), len(ho.Sessions))
	}
	ho.Listener = fs[0]
	for i, m := range ho.Sessions {
		m.Master = fs[1+i]
	}
	return nil
}

// Close closes the Handoff's files (those Adopt did not take).
func (ho *Handoff) Close() {
	for _, f := range ho.files() {
		if f != nil {
			f.Close()
		}
	}
	ho.Listener = nil
	for _, m := range ho.Sessions {
		m.Master = nil
	}
}

// Collect stops h and moves reg's sessions out: a copy of l is kept for the next host,
// partners are told that the sessions move ([host.Server.Handover]), then every running
// session moves ([sessions.Session.Move]). Serve on l returns meanwhile; the caller waits
// for it. On Windows it fails with sessions.ErrCannotMove before changing anything.
func Collect(h *host.Server, reg *sessions.Registry, l net.Listener, log *slog.Logger) (*Handoff, error) {
	if !Supported {
		return nil, sessions.ErrCannotMove
	}
	fl, ok := l.(interface{ File() (*os.File, error) })
	if !ok {
		return nil, fmt.Errorf("handoff: cannot pass on a %T", l)
	}
	lf, err := fl.File()
	if err != nil {
		return nil, fmt.Errorf("handoff: %w", err)
	}
	ho := &Handoff{Addr: l.Addr().String(), Listener: lf, Grants: h.Grants()}
	ctx, cancel := context.WithTimeout(context.Background(), handoverTimeout)
	defer cancel()
	if err := h.Handover(ctx); err != nil {
		log.Warn("hand over", "err", err)
	}
	for _, s := range reg.List() {
		m, err := s.Move()
		if err != nil {
			log.Info("session not moved", "session", s.Name(), "err", err)
			continue
		}
		ho.Sessions = append(ho.Sessions, m)
	}
	return ho, nil
}

// Adopt adds the Handoff's sessions to reg (see [sessions.Registry.Adopt]) and returns
// them; a session that cannot be adopted is left out, its error joined to the one
// returned. It takes the sessions' terminals; the listener stays the caller's.
func Adopt(reg *sessions.Registry, ho *Handoff, log *slog.Logger) ([]*sessions.Session, error) {
	var out []*sessions.Session
	var errs []error
	for _, m := range ho.Sessions {
		if m.Master == nil {
			continue
		}
		s, err := reg.Adopt(m, sessions.Options{Logger: log})
		m.Master = nil // Adopt took it, or closed it
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, s)
	}
	return out, errors.Join(errs...)
}

// Listen returns a listener on the Handoff's socket (a copy: the Handoff keeps its own).
func (ho *Handoff) Listen() (net.Listener, error) {
	if ho.Listener == nil {
		return nil, errors.New("handoff: no listener")
	}
	return net.FileListener(ho.Listener)
}

// socketPath returns the background host's socket in dir.
func socketPath(dir string) string { return filepath.Join(dir, SocketName) }
