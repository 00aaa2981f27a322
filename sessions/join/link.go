package join

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/sessions/wire"
)

// link is one SSH connection of a Conn with its session channel. A Conn has one link
// at a time; a reconnect makes a new one.
type link struct {
	client  *ssh.Client
	nc      *trackedConn
	ch      ssh.Channel
	reqs    <-chan *ssh.Request
	hostKey ssh.PublicKey
	name    string             // the display name told a Duet host (wire.NameRequest); "" tells none
	duet    bool               // the host is a Duet host: it is told what history we have
	history wire.History       // what our terminal has of the session's history; set before start
	pair    func(wire.Message) // a Duet window's (Config.Pair), on a Duet host only: says hello, takes pair messages
	sized   bool               // asks a Duet host for size marks (Config.Sized)

	quit   chan struct{}       // closed by wait: stops the keepalive and the round trips
	chanWG sync.WaitGroup      // goroutines that end with the channel
	kaWG   sync.WaitGroup      // the keepalive and the round trips
	ack    acker               // answers a Duet host's pings
	onRTT  func(time.Duration) // told each round trip measured; set before start

	mu         sync.Mutex // guards the fields below
	cols, rows int        // the size wanted
	sentCols   int        // the size the remote terminal was told
	sentRows   int
	ptyReady   bool  // the terminal was granted: window changes go out at once
	exited     bool  // an exit-status or exit-signal came
	said       bool  // a Duet host sent a final status: the channel ends for good
	moved      bool  // a Duet host said its sessions move to another process: reconnect
	status     int   // the exit status, once exited
	startErr   error // the shell or command was refused
}

// trackedConn is the network connection under a link. It remembers whether reading from
// it failed: a channel that ends after that was cut by the network, one that ends
// before was closed by the host.
type trackedConn struct {
	net.Conn
	broken atomic.Bool
	cause  atomic.Value // error: the first read error
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil && !c.broken.Load() {
		c.cause.Store(errBox{err})
		c.broken.Store(true)
	}
	return n, err
}

type errBox struct{ err error }

// readErr returns the first read error, or nil.
func (c *trackedConn) readErr() error {
	if b, ok := c.cause.Load().(errBox); ok {
		return b.err
	}
	return nil
}

// outcome is how a link ended.
type outcome struct {
	final  bool  // the session is over: do not reconnect
	status int   // exit status, -1 if none
	err    error // why, if there was no exit status
}

// start starts moving output to out (and the remote standard error to stderr), handling the channel's requests, asking for a
// terminal (if term is set) and the shell or command, and checking the connection
// every aliveEvery (if not 0), measuring the round trip for onRTT. cols and rows must be set.
func (l *link) start(out, stderr io.Writer, term, command string, aliveEvery time.Duration, notify StatusFunc) {
	l.quit = make(chan struct{})
	l.status = -1
	l.chanWG.Go(func() { l.ack.copy(out, l.ch) })
	l.chanWG.Go(func() { io.Copy(stderr, l.ch.Stderr()) })
	l.chanWG.Go(func() { l.handleRequests(notify) })
	l.chanWG.Go(func() { l.startSession(term, command, notify) })
	if aliveEvery > 0 || l.onRTT != nil {
		l.kaWG.Go(func() { keepAlive(l.client, l.nc, aliveEvery, l.quit, l.onRTT) })
	}
}

// wait waits for the channel to end and for the output to be written, and says how it
// ended. It closes the connection and returns once every goroutine of the link is gone.
func (l *link) wait() outcome {
	// Everything but the keepalive ends with the channel, and the output is written.
	l.chanWG.Wait()
	broken := l.nc.broken.Load()
	close(l.quit)
	l.client.Close()
	l.kaWG.Wait()

	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.moved:
		return outcome{status: -1, err: errHostMoved}
	case l.exited:
		return outcome{final: true, status: l.status}
	case l.startErr != nil:
		return outcome{final: true, status: -1, err: l.startErr}
	case l.said:
		return outcome{final: true, status: -1, err: ErrHostClosed}
	case !broken:
		return outcome{final: true, status: -1, err: ErrHostClosed}
	}
	cause := l.nc.readErr()
	if cause == nil || cause == io.EOF {
		cause = errConnLost
	}
	return outcome{status: -1, err: cause}
}

// handleRequests handles the requests the server sends on the channel: the exit status
// and signal, and a Duet host's statuses; anything else is refused.
func (l *link) handleRequests(notify StatusFunc) {
	for req := range l.reqs {
		switch req.Type {
		case wire.PingRequest:
			if p, err := wire.ParsePing(req.Payload); err == nil && req.WantReply {
				l.ack.ping(req, p)
				continue
			}
		case wire.MarkRequest:
			if m, err := wire.ParseHistory(req.Payload); err == nil && l.duet {
				l.ack.mark(m)
			}
		case wire.PairRequest:
			if m, err := wire.ParseMessage(req.Payload); err == nil && l.pair != nil {
				l.pair(m)
			}
		case wire.StatusRequest:
			if st, err := wire.ParseStatus(req.Payload); err == nil {
				switch {
				case st.State.Final():
					l.mu.Lock()
					l.said = true
					l.mu.Unlock()
				case st.State == wire.Moved:
					l.mu.Lock()
					l.moved = true
					l.mu.Unlock()
				}
				notify(Status{State: HostSaid, Host: st})
			}
		case "exit-status":
			var msg struct{ Status uint32 }
			if ssh.Unmarshal(req.Payload, &msg) == nil {
				l.setExit(int(msg.Status))
			}
		case "exit-signal":
			var msg struct {
				Signal     string
				CoreDumped bool
				Error      string
				Lang       string
			}
			if ssh.Unmarshal(req.Payload, &msg) == nil {
				l.setExit(128 + signalNumbers[msg.Signal])
			}
		}
		if req.WantReply {
			req.Reply(false, nil)
		}
	}
}

func (l *link) setExit(status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.exited {
		l.exited, l.status = true, status
	}
}

// signalNumbers maps the signal names of exit-signal (RFC 4254 6.10) to their numbers
// on Linux, for the exit status 128+n a shell would report.
var signalNumbers = map[string]int{
	"ABRT": 6, "ALRM": 14, "FPE": 8, "HUP": 1, "ILL": 4, "INT": 2, "KILL": 9,
	"PIPE": 13, "QUIT": 3, "SEGV": 11, "TERM": 15, "USR1": 10, "USR2": 12,
}

// startSession tells a Duet host the display name and, for a window, hello, then asks
// for the terminal and the shell or command.
func (l *link) startSession(term, command string, notify StatusFunc) {
	if l.name != "" {
		if _, err := l.ch.SendRequest(wire.NameRequest, false, wire.MarshalName(l.name)); err != nil {
			return // the channel is gone; wait says why
		}
	}
	if l.duet {
		// What we have of the history: after a reconnect, the host sends only the rest.
		if _, err := l.ch.SendRequest(wire.HistoryRequest, false, l.history.Marshal()); err != nil {
			return
		}
	}
	if l.sized {
		if _, err := l.ch.SendRequest(wire.SizedRequest, false, nil); err != nil {
			return
		}
	}
	if l.pair != nil {
		hello, _ := wire.MarshalMessage(wire.Message{Kind: wire.KindHello})
		if _, err := l.ch.SendRequest(wire.PairRequest, false, hello); err != nil {
			return
		}
	}
	if term != "" {
		l.mu.Lock()
		cols, rows := l.cols, l.rows
		l.sentCols, l.sentRows = cols, rows
		l.mu.Unlock()
		req := ptyRequest{Term: term, Cols: uint32(max(cols, 0)), Rows: uint32(max(rows, 0)), Modes: ttyModes()}
		ok, err := l.ch.SendRequest("pty-req", true, ssh.Marshal(&req))
		if err != nil {
			return // the channel is gone; wait says why
		}
		if !ok {
			notify(Status{State: NoTerminal})
		}
		l.mu.Lock()
		l.ptyReady = ok
		l.sendSizeLocked()
		l.mu.Unlock()
	}
	var ok bool
	var err error
	if command == "" {
		ok, err = l.ch.SendRequest("shell", true, nil)
	} else {
		ok, err = l.ch.SendRequest("exec", true, ssh.Marshal(&struct{ Command string }{command}))
	}
	if err != nil || ok {
		return
	}
	l.mu.Lock()
	if command == "" {
		l.startErr = &RefusedError{What: "a shell"}
	} else {
		l.startErr = &RefusedError{What: "the command"}
	}
	l.mu.Unlock()
	l.ch.Close()
}

// ptyRequest is the payload of pty-req (RFC 4254 6.2).
type ptyRequest struct {
	Term              string
	Cols, Rows        uint32
	WidthPx, HeightPx uint32
	Modes             string
}

// ttyModes returns the encoded terminal modes of a pty-req: UTF-8 input, and the speed
// programs expect. Everything else stays at the server's defaults.
func ttyModes() string {
	const (
		ttyOpISpeed = 128
		ttyOpOSpeed = 129
		iutf8       = 42
	)
	var b []byte
	for _, m := range [][2]uint32{{iutf8, 1}, {ttyOpISpeed, 38400}, {ttyOpOSpeed, 38400}} {
		b = append(b, byte(m[0]), byte(m[1]>>24), byte(m[1]>>16), byte(m[1]>>8), byte(m[1]))
	}
	return string(append(b, 0)) // TTY_OP_END
}

// setSize sets the size wanted and tells the remote terminal, once it exists.
func (l *link) setSize(cols, rows int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cols, l.rows = cols, rows
	l.sendSizeLocked()
}

// sendSizeLocked sends a window-change if the terminal exists and its size is not the
// one wanted. l.mu is held: window changes go out in order.
func (l *link) sendSizeLocked() {
	if !l.ptyReady || (l.cols == l.sentCols && l.rows == l.sentRows) {
		return
	}
	l.sentCols, l.sentRows = l.cols, l.rows
	msg := struct{ Cols, Rows, WidthPx, HeightPx uint32 }{uint32(l.cols), uint32(l.rows), 0, 0}
	l.ch.SendRequest("window-change", false, ssh.Marshal(&msg))
}
