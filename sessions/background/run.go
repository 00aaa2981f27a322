//go:build !windows

package background

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
)

// serving is one round of a background host: the sessions it adopted and their host.
type serving struct {
	reg    *sessions.Registry
	h      *host.Server
	l      net.Listener
	served chan error
}

// Run is the background host: it serves the Handoff's sessions on its listener, and
// answers on the config dir's socket (ls, stop, take) until the last session ends, it is
// stopped, or the sessions were taken. It returns nil then.
func Run(cfg Config) error {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	log := cfg.Logger
	ctl, err := listenControl(cfg.Dir)
	if err != nil {
		cfg.Handoff.Close()
		return err
	}
	srv, err := start(cfg, cfg.Handoff)
	if err != nil {
		ctl.Close()
		return err
	}
	if cfg.Ready != nil {
		cfg.Ready(srv.l.Addr().String())
	}

	type ask struct {
		r request
		c *net.UnixConn
	}
	asks := make(chan ask)
	done := make(chan struct{})
	var wg sync.WaitGroup
	defer func() {
		close(done)
		ctl.Close()
		wg.Wait()
	}()
	wg.Go(func() {
		for {
			c, err := ctl.AcceptUnix()
			if err != nil {
				return
			}
			if !samePeer(c) {
				log.Warn("a process of another user asked; refused")
				c.Close()
				continue
			}
			r, err := readRequest(c)
			if err != nil {
				c.Close()
				continue
			}
			select {
			case asks <- ask{r, c}:
			case <-done:
				c.Close()
				return
			}
		}
	})

	for {
		changed := srv.reg.Changed()
		if len(srv.reg.List()) == 0 {
			log.Info("the last session ended")
			srv.stop(log)
			return nil
		}
		select {
		case <-changed:
		case <-cfg.Quit:
			log.Info("stopping: signalled")
			srv.stop(log)
			return nil
		case err := <-srv.served:
			srv.served <- err
			srv.stop(log)
			return fmt.Errorf("serve: %w", err)
		case a := <-asks:
			switch a.r.Op {
			case "ls":
				a.c.Write(marshalLine(reply{Listing: srv.listing()}))
				a.c.Close()
			case "stop":
				if a.r.Session != "" {
					s := srv.reg.Lookup(a.r.Session)
					if s == nil {
						a.c.Write(marshalLine(reply{Error: fmt.Sprintf("no session %s runs in the background", a.r.Session)}))
					} else {
						s.Close()
						a.c.Write(marshalLine(reply{}))
					}
					a.c.Close()
					continue
				}
				log.Info("stopping: asked to")
				srv.stop(log)
				a.c.Write(marshalLine(reply{}))
				a.c.Close()
				return nil
			case "take":
				next, taken := srv.give(a.c, cfg, log, ctl)
				if taken {
					return nil
				}
				if next == nil {
					return errors.New("the sessions were lost while moving to the window")
				}
				srv = next
			default:
				a.c.Write(marshalLine(reply{Error: fmt.Sprintf("unknown request %q", a.r.Op)}))
				a.c.Close()
			}
		}
	}
}

// start adopts ho's sessions and serves them on its listener; it closes ho.
func start(cfg Config, ho *Handoff) (*serving, error) {
	defer ho.Close()
	reg := &sessions.Registry{}
	if _, err := Adopt(reg, ho, cfg.Logger); err != nil {
		cfg.Logger.Warn("adopt", "err", err)
	}
	l, err := ho.Listen()
	if err != nil {
		reg.Close()
		return nil, err
	}
	h := cfg.NewHost(reg)
	if err := h.Restore(ho.Grants); err != nil {
		cfg.Logger.Warn("restore grants", "err", err)
	}
	srv := &serving{reg: reg, h: h, l: l, served: make(chan error, 1)}
	go func() { srv.served <- h.Serve(l) }() // owned by stop or give, which wait for it
	cfg.Logger.Info("serving in the background", "addr", l.Addr().String(), "sessions", len(reg.List()))
	return srv, nil
}

// stop ends the sessions and the host.
func (srv *serving) stop(log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), handoverTimeout)
	defer cancel()
	srv.h.Shutdown(ctx)
	if err := <-srv.served; err != nil && !errors.Is(err, host.ErrServerClosed) {
		log.Warn("serve", "err", err)
	}
	srv.reg.Close()
}

// listing describes what srv serves.
func (srv *serving) listing() *Listing {
	partners := map[string]int{}
	for _, p := range srv.h.Partners() {
		partners[p.Session]++
	}
	ls := &Listing{Pid: os.Getpid(), Addr: srv.l.Addr().String(), Sessions: []Session{}}
	for _, s := range srv.reg.List() {
		cols, rows := s.Size()
		ls.Sessions = append(ls.Sessions, Session{
			Name: s.Name(), Command: s.Command(), Started: s.Started(), Cols: cols, Rows: rows,
			Partners: partners[s.Name()], Paused: s.Paused(),
		})
	}
	return ls
}

// give hands the sessions to the window on c. It reports taken once the window adopted
// them (the socket is closed then); otherwise the sessions are served here again (next),
// or, if even that failed, lost (nil).
func (srv *serving) give(c *net.UnixConn, cfg Config, log *slog.Logger, ctl *net.UnixListener) (next *serving, taken bool) {
	defer c.Close()
	ho, err := Collect(srv.h, srv.reg, srv.l, log)
	if err != nil {
		log.Warn("collect for the window", "err", err)
		c.Write(marshalLine(reply{Error: "the background duet host could not hand over its sessions"}))
		return srv, false
	}
	<-srv.served
	srv.reg.Close() // empty now: every session moved
	err = send(c, ho)
	if err == nil {
		c.SetReadDeadline(time.Now().Add(2 * time.Minute))
		var line string
		line, err = bufio.NewReader(c).ReadString('\n')
		if err == nil && strings.TrimSpace(line) != "ok" {
			err = errors.New("the window could not adopt them")
		}
	}
	if err == nil {
		log.Info("the window took the sessions", "sessions", len(ho.Sessions))
		ctl.Close() // unlinks the socket before the window hears that we let go
		ho.Close()
		return nil, true
	}
	log.Warn("the window did not take the sessions; serving them again", "err", err)
	next, err = start(cfg, ho)
	if err != nil {
		log.Error("serve again", "err", err)
		return nil, false
	}
	return next, false
}
