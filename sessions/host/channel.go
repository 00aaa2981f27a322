package host

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/wire"
)

// channelState is what the requests of one session channel said so far.
type channelState struct {
	mu         sync.Mutex // guards the fields below
	cols, rows int
	pty        bool
	started    bool             // shell or exec was asked for
	client     *sessions.Client // once attached
	early      []byte           // input sent before the key had access (maxEarlyInput)
	earlyTaken bool             // attach took early: input goes straight to client
	history    *wire.History    // what a Duet partner's terminal has of the history, if it said
	sized      bool             // a Duet window wants size marks in its output (wire.SizedRequest)

	duet   bool         // a Duet window said hello: it shows pairing itself (pairing.go)
	status bool         // the partner wants a status line (see splitUser)
	sink   func([]byte) // takes the input instead of a client (chat); nil at its end

	ready     chan struct{} // closed once input has a client to go to, or never will
	readyOnce sync.Once
	remind    reminder // tells a view-only partner who types why nothing happens
	asks      reminder // asks for control for a partner who types while another drives
}

// markReady tells the channel's input that the client is attached (or that there will
// be none).
func (st *channelState) markReady() {
	st.readyOnce.Do(func() { close(st.ready) })
}

// serveChannel handles one session channel: its requests, then what was asked for.
func (c *conn) serveChannel(ch ssh.Channel, reqs <-chan *ssh.Request) {
	st := &channelState{ready: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Go(func() { c.pumpInput(ch, st) })
	for req := range reqs {
		ok := false
		switch req.Type {
		case "pty-req":
			if cols, rows, good := parsePtyReq(req.Payload); good {
				st.mu.Lock()
				st.pty, st.cols, st.rows = true, cols, rows
				st.mu.Unlock()
				ok = true
			}
		case "window-change":
			if cols, rows, good := parseWindowChange(req.Payload); good {
				st.mu.Lock()
				st.cols, st.rows = cols, rows
				cl := st.client
				st.mu.Unlock()
				if cl != nil {
					cl.Resize(cols, rows)
				}
				ok = true
			}
		case "shell", "exec":
			cmd := command{kind: cmdShell}
			if req.Type == "exec" {
				cmd = parseCommand(req.Payload)
			}
			st.mu.Lock()
			ok = !st.started
			st.started = true
			st.mu.Unlock()
			if ok {
				// Reply first: the partner must know it was accepted before any output.
				if req.WantReply {
					req.Reply(true, nil)
				}
				wg.Go(func() { c.run(ch, st, cmd) })
				continue
			}
		case wire.PanRequest:
			// A Duet partner smaller than the session moves its view of it.
			if pan, err := wire.ParsePan(req.Payload); err == nil {
				st.mu.Lock()
				cl := st.client
				st.mu.Unlock()
				if cl != nil {
					if pan.Follow {
						cl.Follow()
					} else {
						cl.Pan(pan.DX, pan.DY)
					}
					ok = true
				}
			}
		case wire.HistoryRequest:
			// A Duet partner's terminal has this much of the session's history (a
			// reconnect): it gets the rest, and marks of how far it got.
			if h, err := wire.ParseHistory(req.Payload); err == nil {
				st.mu.Lock()
				st.history = &h
				st.mu.Unlock()
				ok = true
			}
		case wire.SizedRequest:
			// A Duet window draws the session at its size: it is told the size in the
			// output (size marks).
			st.mu.Lock()
			st.sized = true
			st.mu.Unlock()
			ok = true
		case wire.PairRequest:
			ok = c.onPair(st, req.Payload)
		case wire.NameRequest:
			// A Duet partner's display name, before its shell: kept for the question
			// about its key and for the host's lists.
			if name, err := wire.ParseName(req.Payload); err == nil {
				c.claim(name)
				ok = true
			}
		default:
			// env, subsystem (sftp), x11-req, auth-agent-req@openssh.com, signal, ...
			c.log.Debug("channel request refused", "type", req.Type)
		}
		if req.WantReply {
			req.Reply(ok, nil)
		}
	}
	// The partner closed the channel (or the connection is gone).
	st.mu.Lock()
	cl := st.client
	st.started = true
	st.mu.Unlock()
	if cl != nil {
		cl.Detach()
	}
	st.markReady()
	ch.Close()
	wg.Wait()
}

// maxEarlyInput bounds what is kept of the input a partner sends before its key has
// access (typed while the host is asked): the rest is dropped, so an unapproved
// connection holds no more than this.
const maxEarlyInput = 4 << 10

// pumpInput reads what the partner sends on the channel until it ends. While the key
// has no access, the first maxEarlyInput bytes are kept for the session (attach types
// them once the key is let in) and the rest is read and dropped, so the channel's window
// never fills up on the host. Once the key has access, input waits for the client to
// attach, then goes to it as long as the key may type (see conn.mayType): a demotion, a
// kick or a revocation stops it at once. Input to a channel that never attaches (ls, a
// refusal) is dropped.
func (c *conn) pumpInput(ch ssh.Channel, st *channelState) {
	buf := make([]byte, 32<<10)
	for {
		n, err := ch.Read(buf)
		if n > 0 && (c.hasAccess() || !st.keepEarly(buf[:n])) {
			select {
			case <-st.ready:
			case <-c.gone:
				return
			}
			st.mu.Lock()
			cl, sink := st.client, st.sink
			st.mu.Unlock()
			if sink != nil {
				sink(buf[:n])
			} else if cl == nil || !c.mayType() {
				c.dropped.Add(int64(n))
				if _, kicked := c.isKicked(); cl != nil && !kicked {
					st.remind.typed(cl) // view only: say why nothing happens
				}
			} else if !cl.Drives() {
				c.dropped.Add(int64(n))
				st.asks.typedWhileDriven(c, cl) // one driver at a time: typing asks for control
			} else if _, werr := cl.Write(buf[:n]); werr != nil {
				return // the client left, or the session ended
			}
		}
		if err != nil {
			st.mu.Lock()
			sink := st.sink
			st.mu.Unlock()
			if sink != nil {
				sink(nil)
			}
			return
		}
	}
}

// keepEarly keeps what of p fits in the early input; false if attach took the early
// input already (the key has access by now: p goes the normal way).
func (st *channelState) keepEarly(p []byte) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.earlyTaken {
		return false
	}
	n := min(len(p), max(maxEarlyInput-len(st.early), 0))
	st.early = append(st.early, p[:n]...)
	return true
}

// run carries out a shell or exec request, then closes the channel.
func (c *conn) run(ch ssh.Channel, st *channelState, cmd command) {
	defer ch.Close()
	defer st.markReady()
	if st, kicked := c.isKicked(); kicked {
		tell(ch, st)
		sendExitStatus(ch, 1)
		return
	}
	s, want, asked, ok := c.target(ch, st, cmd)
	if !ok {
		return
	}
	role, err := c.authorize(ch, s, want, asked)
	if err != nil {
		if st, kicked := c.isKicked(); kicked {
			tell(ch, st)
			sendExitStatus(ch, 1)
			return
		}
		st := wire.Status{State: wire.Refused, Fingerprint: c.fp, Text: err.Error()}
		var r *refusal
		if errors.As(err, &r) {
			st = r.st
		}
		refuse(ch, 1, st)
		c.kick(wire.Status{}) // no other channel of this connection gets further
		return
	}
	send(ch, wire.Status{State: wire.Approved, Fingerprint: c.fp})
	switch {
	case cmd.kind == cmdWho:
		c.who(ch, cmd.json)
	case s == nil:
		c.list(ch, cmd.json)
	case cmd.kind == cmdChat:
		c.chat(ch, st, s)
	default:
		c.attach(ch, st, s, role)
	}
}

// attach joins the channel to session s until one of them ends.
func (c *conn) attach(ch ssh.Channel, st *channelState, s *sessions.Session, role keys.Role) {
	st.mu.Lock()
	opt := sessions.AttachOptions{
		Name:        c.displayName(),
		Fingerprint: c.fp,
		Host:        c.owner,
		ReadOnly:    role != keys.RoleType,
		MaxClients:  orDefault(c.h.MaxPartners, DefaultMaxPartners),
		StatusLine:  st.pty && !st.duet && st.status && !c.h.NoStatusLine,
		TellSize:    st.sized,
	}
	if st.pty {
		opt.Cols, opt.Rows = st.cols, st.rows
	}
	opt.History = c.h.history(c.owner)
	marks := st.history != nil
	if marks {
		opt.Has = sessions.Mark{Session: st.history.Session, Lines: st.history.Lines}
	}
	duet := st.duet
	cl, err := s.Attach(opt)
	var early []byte
	if err == nil {
		st.client = cl
		early, st.early, st.earlyTaken = st.early, nil, true
	}
	st.mu.Unlock()
	if err != nil {
		fail(ch, 1, fmt.Sprintf("cannot join session %s: %v", s.Name(), err))
		return
	}
	log := c.log.With("session", s.Name())
	log.Info("partner joined", "role", role.String())
	if !c.addClient(cl, ch) {
		log.Info("partner kicked while joining")
	}
	defer c.removeClient(cl)
	// The role may have changed since it was read: the key's record says now.
	if ro := c.acc.Role() != keys.RoleType; ro != opt.ReadOnly {
		cl.SetReadOnly(ro)
	}
	if c.acc.Role() != keys.RoleType {
		tellRole(ch, cl, false, false)
	}
	if opt.Cols == 0 && !strings.HasPrefix(string(c.sc.ClientVersion()), wire.ClientVersion) {
		// ssh -T, or a command without -t: no terminal of its own, so everything shows
		// twice and nothing resizes. One line says how to do better.
		fmt.Fprint(ch.Stderr(), noticeNoTerminal+"\r\n")
	}
	if len(early) > 0 && c.mayType() {
		cl.Write(early) // typed while the host was asked
	}
	st.markReady() // keystrokes go to cl from now on (pumpInput)

	var wg sync.WaitGroup
	news := make(chan struct{})
	wg.Go(func() { c.pairLoop(ch, s, cl, duet, news) })
	wg.Go(func() { tellView(ch, cl, news) })
	pc := newPacedChannel(ch, marks)
	pc.sized = opt.TellSize
	err = cl.CopyTo(pc)
	close(news)
	var exit *sessions.ExitError
	switch {
	case errors.As(err, &exit):
		send(ch, wire.Status{State: wire.Ended, Text: exit.Desc})
		sendExitStatus(ch, exit.Code)
	case err != nil:
		log.Debug("write to partner", "err", err)
	default:
		if st, kicked := c.isKicked(); kicked {
			send(ch, st)
			sendExitStatus(ch, 1)
		}
	}
	log.Info("partner left")
	ch.CloseWrite()
	ch.Close()
	pc.close()
	wg.Wait()
}

// fail refuses what the channel asked for, saying why (text, a sentence), and ends it
// with status.
func fail(ch ssh.Channel, status int, text string) {
	refuse(ch, status, wire.Status{State: wire.Refused, Text: text})
}

// refuse tells the partner st, typed and as "duet: SENTENCE" on stderr for OpenSSH
// partners, and ends the channel with status.
func refuse(ch ssh.Channel, status int, st wire.Status) {
	send(ch, st)
	fmt.Fprintf(ch.Stderr(), "duet: %s\r\n", st.Message())
	sendExitStatus(ch, status)
}

// tell tells the partner st, typed and as its sentence on stderr; a zero st tells
// nothing.
func tell(ch ssh.Channel, st wire.Status) {
	if st.State == 0 {
		return
	}
	send(ch, st)
	fmt.Fprintf(ch.Stderr(), "%s\r\n", st.Message())
}

// announce tells the partner st in the middle of a session: typed, and on a line of its
// own on stderr, so that it does not run into the shell's prompt.
func announce(ch ssh.Channel, st wire.Status) {
	send(ch, st)
	fmt.Fprintf(ch.Stderr(), "\r\n%s\r\n", st.Message())
}

// send sends st to a Duet partner; other clients ignore it.
func send(ch ssh.Channel, st wire.Status) {
	ch.SendRequest(wire.StatusRequest, false, st.Marshal())
}

func sendExitStatus(ch ssh.Channel, status int) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(status))
	ch.SendRequest("exit-status", false, b[:])
}

// parsePtyReq reads the size from a pty-req payload: string TERM, uint32 cols, rows,
// width px, height px, string modes.
func parsePtyReq(p []byte) (cols, rows int, ok bool) {
	var msg struct {
		Term             string
		Cols, Rows, W, H uint32
		Modes            string
	}
	if ssh.Unmarshal(p, &msg) != nil {
		return 0, 0, false
	}
	return clampSize(msg.Cols, msg.Rows)
}

// parseWindowChange reads a window-change payload: uint32 cols, rows, width px, height px.
func parseWindowChange(p []byte) (cols, rows int, ok bool) {
	var msg struct{ Cols, Rows, W, H uint32 }
	if ssh.Unmarshal(p, &msg) != nil {
		return 0, 0, false
	}
	return clampSize(msg.Cols, msg.Rows)
}

// clampSize bounds a size a partner sends to what a repaint handles cheaply
// (sessions.MaxCols x sessions.MaxRows); 0 means unknown.
func clampSize(cols, rows uint32) (int, int, bool) {
	return int(min(cols, sessions.MaxCols)), int(min(rows, sessions.MaxRows)), true
}
