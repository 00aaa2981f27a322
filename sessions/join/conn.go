package join

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions/wire"
)

// Defaults of Config.
const (
	DefaultKeepAlive    = 15 * time.Second
	DefaultReconnectFor = 5 * time.Minute
	DefaultDialTimeout  = 15 * time.Second
)

// ErrConnClosed is returned by a Conn's methods once it was closed, and by Wait if Close
// ended it.
var ErrConnClosed = errors.New("connection closed")

// ErrDisconnected is returned by [Conn.Write] while the connection is down and being
// reconnected, once more was typed than MaxHeldInput: the rest is dropped, not sent
// later.
var ErrDisconnected = errors.New("disconnected; input dropped")

// MaxHeldInput bounds the input a Conn holds while it reconnects, to send once the new
// connection is up (and the host repainted the screen); what is typed beyond it is
// discarded, and the Reconnected status says how much.
const MaxHeldInput = 4 << 10

// Config configures [Dial]. Store is required; every other field has a useful zero
// value.
type Config struct {
	// Store is the config dir: Duet's identity (created on first use) and known_hosts.
	Store *keys.Store
	// IdentityFile, if set, is the only key offered, as with OpenSSH's IdentitiesOnly:
	// signed by the ssh-agent if it holds that key (no passphrase is asked), else read
	// from the file. Otherwise Duet's identity is offered first, then the ssh-agent's
	// keys and the user's ~/.ssh/id_* keys. Key files other users can read are refused,
	// as OpenSSH refuses them; DSA keys are never offered, RSA keys sign with SHA-2.
	IdentityFile string
	// NoUserKeys leaves the ssh-agent and ~/.ssh out: only Duet's identity is offered.
	NoUserKeys bool
	// SSHDir holds the user's OpenSSH keys; "" means ~/.ssh.
	SSHDir string
	// AgentSocket is the ssh-agent's socket; "" means $SSH_AUTH_SOCK.
	AgentSocket string

	// Name is the display name a Duet host is told (see wire.NameRequest), shown to the
	// host when it approves the key and in its lists; "" tells none. Other servers are
	// never told it.
	Name string

	// Command runs instead of the login shell (an exec request): on a Duet host "ls" or
	// "attach NAME"; on an SSH server anything, such as "tmux new -A -s pair".
	Command string
	// Term, if set, asks for a terminal of this type (the remote TERM) and of size
	// Cols x Rows. Without one the remote command gets plain pipes.
	Term       string
	Cols, Rows int
	// Stderr, if set, receives the remote standard error; otherwise it is merged into
	// what Read returns (with a terminal, remote programs write both to it anyway).
	Stderr io.Writer

	// ConfirmHost is asked whether to trust a host whose key is not in known_hosts and not
	// pinned by an invite; if it returns nil the key is saved. Nil refuses unknown hosts.
	// It is only asked while Dial runs, never when reconnecting.
	ConfirmHost keys.ConfirmHostFunc
	// ReplaceHost is asked whether to put the key an invite pins in place of a different
	// key known_hosts holds for that host (the host made a new key; e holds both). If it
	// returns nil, the old entry is forgotten and the pinned key saved; nil refuses such a
	// host as a changed key. Like ConfirmHost, it is only asked while Dial runs.
	ReplaceHost func(e *keys.HostKeyError) error
	// Passphrase is asked for the passphrase of a protected key once a server is willing
	// to accept that key; nil leaves such keys out.
	Passphrase keys.PassphraseFunc
	// Prompt is asked what a server asks while logging in (a password, a one-time code;
	// see PromptFunc), also when reconnecting; nil gives up on such servers, saying what
	// they asked for (*AuthError).
	Prompt PromptFunc
	// Status is told what happens on the way (banners, a refused terminal, reconnecting).
	// It is never called concurrently, and must not block.
	Status StatusFunc

	// Pair, if set, makes the Conn a Duet window's: on a Duet host it says hello (the host
	// then draws no status line into the terminal) and is given every pair message the
	// host sends (who is here, chat lines, points), checked and cleaned by
	// wire.ParseMessage; see [Conn.SendPair]. It is never called concurrently, and must not
	// block.
	Pair func(wire.Message)

	// Sized, on a Duet host, asks for size marks in the output (wire.SizedRequest): the
	// reader draws the session at exactly the size of the terminal the output is for
	// and takes the marks out (wire.SizeMarks). Only for a reader that can: a terminal
	// that is the size it is (`duet join`) must not ask.
	Sized bool

	// KeepAlive is how often the host is asked whether it is still there; one that does
	// not answer within two intervals counts as gone. 0 means DefaultKeepAlive; negative
	// turns the checks off.
	KeepAlive time.Duration
	// ReconnectFor is how long to keep trying after the connection dropped; 0 means
	// DefaultReconnectFor; negative means the first drop ends the connection.
	ReconnectFor time.Duration
	// DialTimeout bounds each TCP connect; 0 means DefaultDialTimeout.
	DialTimeout time.Duration
	// HandshakeTimeout bounds each SSH handshake and the opening of the session (the
	// user's answers to questions apart); 0 means DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
	// Logger receives the log (never terminal input or output); nil discards it.
	Logger *slog.Logger
}

// Conn is a joined terminal: the output of the remote session (Read), its input
// (Write), its size (Resize) and its end (Wait). When the network drops, Conn
// reconnects by itself, with backoff, and reattaches: a Duet host repaints the screen.
// It does not reconnect when the session ended, the host closed it, or denied the key.
// Its methods are safe for concurrent use; Read and Write are each meant for one
// goroutine at a time, as on a net.Conn.
type Conn struct {
	addr  Address
	cfg   Config
	log   *slog.Logger
	login *login

	out *io.PipeReader // what links write, for Read
	pw  *io.PipeWriter

	stop     chan struct{} // closed by Close
	stopOnce sync.Once
	done     chan struct{} // closed when the connection ended for good
	wg       sync.WaitGroup

	writeMu sync.Mutex // held by Write and by attach: held input goes first, in order

	mu        sync.Mutex // guards the fields below
	link      *link      // the connection up now; nil while reconnecting
	held      []byte     // typed while reconnecting, at most MaxHeldInput
	discarded int        // bytes typed while reconnecting beyond MaxHeldInput
	cols      int
	rows      int
	hostKey   ssh.PublicKey
	closed    bool
	status    int         // exit status, once done
	err       error       // why it ended, once done
	said      wire.Status // the last status a Duet host sent
	rtt       time.Duration
	history   wire.History // what the output read so far gave our terminal of the history

	notifyMu sync.Mutex // held while Config.Status runs: it is never called concurrently
	pairMu   sync.Mutex // held while Config.Pair runs
}

// Dial joins the session at addr: it connects, checks the host key, authenticates,
// opens a session channel and asks for a terminal and the shell (or cfg.Command). ctx
// bounds the joining (including questions asked through cfg), not the Conn's life.
//
// Errors a user must act on have their own types: *keys.HostKeyError (the host key
// changed, or an unknown host was not trusted), *PinError (the host key is not the
// invite's), *AuthError (no key was accepted, or what the server asked for was not given), *RefusedError (the host refused the
// session).
func Dial(ctx context.Context, addr Address, cfg Config) (*Conn, error) {
	if cfg.Store == nil {
		return nil, errors.New("join: no config dir (Config.Store)")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Conn{
		addr: addr,
		cfg:  cfg,
		log:  cfg.Logger.With("remote", addr.HostPort(), "user", addr.User),
		stop: make(chan struct{}),
		done: make(chan struct{}),
		cols: cfg.Cols,
		rows: cfg.Rows,
	}
	ids, err := loadIdentities(identityOptions{
		store: cfg.Store, file: cfg.IdentityFile, noUserKeys: cfg.NoUserKeys,
		sshDir: cfg.SSHDir, agentSocket: cfg.AgentSocket, passphrase: cfg.Passphrase,
	})
	if err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	for _, err := range ids.problems {
		c.log.Debug("key not used", "err", err)
	}
	c.login = &login{
		addr: addr, store: cfg.Store, ids: ids, confirm: cfg.ConfirmHost, replace: cfg.ReplaceHost,
		timeout: cfg.DialTimeout, handshake: cfg.HandshakeTimeout,
		prompt: cfg.Prompt, banner: func(msg string) { c.notify(Status{State: Banner, Text: msg}) },
		log: c.log, what: "join",
	}
	if addr.Jump != "" {
		jump, err := ParseServer(addr.Jump)
		if err != nil {
			return nil, fmt.Errorf("join: %w", err)
		}
		c.login.jump = &login{
			addr: jump, store: cfg.Store, ids: ids, confirm: cfg.ConfirmHost, timeout: cfg.DialTimeout, handshake: cfg.HandshakeTimeout,
			prompt: cfg.Prompt, banner: c.login.banner, log: c.log.With("jump", jump.HostPort()), what: "jump",
		}
	}
	l, err := c.connect(ctx, true)
	if err != nil {
		return nil, err
	}
	c.out, c.pw = io.Pipe()
	if _, _, ok := c.attach(l); !ok {
		return nil, ErrConnClosed
	}
	c.wg.Add(1)
	go c.run(l)
	return c, nil
}

// Addr returns the address joined.
func (c *Conn) Addr() Address { return c.addr }

// HostKey returns the host's key, as checked.
func (c *Conn) HostKey() ssh.PublicKey {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hostKey
}

// Read reads the remote session's output (its standard output and error, or its
// terminal). It returns io.EOF once the session ended for good and all output was read.
func (c *Conn) Read(p []byte) (int, error) { return c.out.Read(p) }

// Write sends input to the remote session. While the connection is down and being
// reconnected it holds up to MaxHeldInput bytes, sent once the connection is back, and
// drops the rest (returning ErrDisconnected); once the Conn ended, ErrConnClosed.
func (c *Conn) Write(p []byte) (int, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.mu.Lock()
	l, closed := c.link, c.closed
	if l == nil && !closed && !c.isDone() {
		defer c.mu.Unlock()
		return c.hold(p)
	}
	c.mu.Unlock()
	if closed || c.isDone() {
		return 0, ErrConnClosed
	}
	n, err := l.ch.Write(p)
	if err != nil {
		if c.isDone() {
			return n, ErrConnClosed
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		m, err := c.hold(p[n:]) // the link is dropping: the rest waits for the next one
		return n + m, err
	}
	return n, nil
}

// hold keeps p to send once reconnected, as far as MaxHeldInput allows. c.mu is held.
func (c *Conn) hold(p []byte) (int, error) {
	n := min(len(p), MaxHeldInput-len(c.held))
	c.held = append(c.held, p[:n]...)
	if n < len(p) {
		c.discarded += len(p) - n
		return n, ErrDisconnected
	}
	return n, nil
}

// Reconnecting reports whether the connection is down and being reconnected now.
func (c *Conn) Reconnecting() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.link == nil && !c.closed && !c.isDone()
}

// CloseWrite tells the remote session that its input ended (the end of a pipe, say).
func (c *Conn) CloseWrite() error {
	l, err := c.upLink()
	if err != nil {
		return err
	}
	return l.ch.CloseWrite()
}

// upLink returns the link up now, or ErrConnClosed once the Conn ended, ErrDisconnected
// while it reconnects.
func (c *Conn) upLink() (*link, error) {
	c.mu.Lock()
	l, closed := c.link, c.closed
	c.mu.Unlock()
	switch {
	case closed || c.isDone():
		return nil, ErrConnClosed
	case l == nil:
		return nil, ErrDisconnected
	}
	return l, nil
}

// Resize tells the remote terminal its new size; after a reconnect the new connection
// starts with the last size given.
func (c *Conn) Resize(cols, rows int) error {
	if cols <= 0 || rows <= 0 {
		return fmt.Errorf("resize: invalid size %dx%d", cols, rows)
	}
	c.mu.Lock()
	c.cols, c.rows = cols, rows
	l, closed := c.link, c.closed
	c.mu.Unlock()
	if closed {
		return ErrConnClosed
	}
	if l != nil {
		l.setSize(cols, rows)
	}
	return nil
}

// Wait waits for the session to end for good and returns the remote exit status (128 +
// the signal number if a signal ended it). Without an exit status it returns -1 and why:
// the host closed the session, reconnecting gave up, ErrConnClosed after Close, ...
func (c *Conn) Wait() (int, error) {
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status, c.err
}

// Done returns a channel closed once the session ended for good (see [Conn.Wait]).
func (c *Conn) Done() <-chan struct{} { return c.done }

// Close disconnects and stops reconnecting. It returns once every goroutine of the Conn
// is gone. Wait then returns ErrConnClosed, unless the session had ended already.
func (c *Conn) Close() error {
	c.stopOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		l := c.link
		c.mu.Unlock()
		close(c.stop)
		if l != nil {
			l.client.Close()
		}
		c.out.CloseWithError(ErrConnClosed)
	})
	c.wg.Wait()
	return nil
}

// attach makes l the connection up now and starts it, then sends it the input held
// while reconnecting; it returns how many bytes were sent and discarded, and false if
// the Conn was closed.
func (c *Conn) attach(l *link) (sent, discarded int, ok bool) {
	c.writeMu.Lock() // no Write overtakes the held input
	defer c.writeMu.Unlock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		l.client.Close()
		return 0, 0, false
	}
	c.link = l
	c.hostKey = l.hostKey
	l.cols, l.rows = c.cols, c.rows
	l.onRTT = c.setRTT
	held, discarded := c.held, c.discarded
	c.held, c.discarded = nil, 0
	l.history = c.history
	l.ack.onMark = c.setHistory
	c.mu.Unlock()
	stderr := io.Writer(c.pw)
	if c.cfg.Stderr != nil {
		stderr = c.cfg.Stderr
	}
	l.start(c.pw, stderr, c.cfg.Term, c.cfg.Command, c.keepAlive(), c.notify)
	if len(held) > 0 {
		n, _ := l.ch.Write(held) // a failure is the next drop's to report
		clear(held)
		sent = n
	}
	return sent, discarded, true
}

func (c *Conn) isDone() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func (c *Conn) stopping() bool {
	select {
	case <-c.stop:
		return true
	default:
		return false
	}
}

func (c *Conn) notify(s Status) {
	if s.State == HostSaid {
		c.mu.Lock()
		c.said = s.Host
		c.mu.Unlock()
	}
	if c.cfg.Status != nil {
		c.notifyMu.Lock()
		defer c.notifyMu.Unlock()
		c.cfg.Status(s)
	}
}

// HostSaid returns the last status a Duet host sent about this connection (the zero
// Status if none came, as from any other SSH server): after Wait, why the host ended
// or refused it.
func (c *Conn) HostSaid() wire.Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.said
}

// History returns how much of the session's history the output read so far gave the
// terminal (as a Duet host marks it; the zero History for any other server): what a
// reconnect tells the host, which sends only the rest.
func (c *Conn) History() wire.History {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.history
}

func (c *Conn) setHistory(h wire.History) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h.At = 0 // a place in one link's output, not the next one's
	c.history = h
}

// RTT returns the round trip to the host, smoothed over the last few seconds (measured
// every few seconds with a request every SSH server answers; output on its way to us
// counts, as it delays what we see); 0 before the first.
func (c *Conn) RTT() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rtt
}

func (c *Conn) setRTT(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rtt == 0 {
		c.rtt = d
	} else {
		c.rtt += (d - c.rtt) / 4
	}
}

// keepAlive returns the interval of keepalive checks; 0 means none.
func (c *Conn) keepAlive() time.Duration {
	if c.cfg.KeepAlive < 0 {
		return 0
	}
	return orDefault(c.cfg.KeepAlive, DefaultKeepAlive)
}

// orDefault is v, or def if v is 0 or less.
func orDefault(v, def time.Duration) time.Duration {
	if v > 0 {
		return v
	}
	return def
}
