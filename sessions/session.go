package sessions

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// DefaultName is the name of a session started without one.
const DefaultName = "main"

// DefaultQueueBytes is the output a client may have queued before it is dropped and the
// client is repainted instead.
const DefaultQueueBytes = 1 << 20

// ErrSessionEnded is returned by Attach and by a client's input once the command exited.
var ErrSessionEnded = errors.New("session ended")

// ErrDetached is returned by a client's input once it was detached or kicked.
var ErrDetached = errors.New("client detached")

// ErrSessionFull is returned by Attach when the session has as many clients as allowed.
var ErrSessionFull = errors.New("session is full")

// killDelay is how long Close waits after SIGHUP before it kills the command.
const killDelay = 3 * time.Second

// drainDelay is how long the output of an exited command is still read while another
// process (a background job) keeps the terminal open.
const drainDelay = time.Second

// Options configure a new Session. The zero value runs the login shell in a session named
// "main".
type Options struct {
	Name       string     // default DefaultName
	Command    []string   // program and arguments; default the login shell (see loginShell)
	Dir        string     // working directory; default the current one
	Env        []string   // added to this process's environment; TERM defaults to xterm-256color
	Cols, Rows int        // size until a client that may type attaches; default 80x24
	Size       SizePolicy // how the size follows the clients'; default SizeSmallest
	QueueBytes int        // output budget of each client; default DefaultQueueBytes
	Logger     *slog.Logger
}

// EndedByHost is the Desc of the Exit of a session the host closed: its command's hangup
// is not news to anyone.
const EndedByHost = "the host ended it"

// Exit is how a session's command ended.
type Exit struct {
	Code int    // exit status; 128+signal if killed by a signal
	Desc string // "exit status 0", "killed by hangup", "the host ended it"
}

// Session is one command running in a pseudo-terminal (a pseudo console on Windows),
// shared by the clients attached to it. Its methods are safe for concurrent use.
type Session struct {
	id         string
	name       string
	command    []string
	started    time.Time
	queueBytes int
	log        *slog.Logger
	onEnd      func(*Session) // called once the command ended, before done is closed

	pty     ptyProcess
	replies chan []byte // query answers from the screen, for replyLoop

	mu           sync.Mutex // guards the fields below; held around screen writes and fan-out
	screen       *vt.Screen
	filter       outputFilter
	fitBuf       []byte // output fitted to status lines (fitRows), reused
	clients      []*Client
	cols         int
	rows         int
	policy       SizePolicy
	ended        bool
	exit         Exit
	private      []lineRange   // lines no partner's history gets: they scrolled past while paused
	shared       [][]vt.Cell   // the primary screen's rows when sharing was paused
	tap          Tap           // what records the session, or nil
	recordPaused bool          // the tap records output while paused
	changed      chan struct{} // closed and replaced when State changes

	paused atomic.Bool // the curtain is drawn; changed under mu

	// Pairing (pairing.go, chat.go). Guarded by mu, but the two atomics, which every
	// keystroke reads (written under mu):
	oneDriver atomic.Bool  // one driver at a time
	driver    atomic.Value // string: the participant who drives
	hostName  string
	asks      []ask
	chatters  []chatter // in the chat only (InChat), in the order they came
	chat      chatLog
	call      string  // the call link, "" for none
	points    []Point // the latest, oldest first
	pointSeq  uint64
	limits    rateLimits // chat and points, per participant

	stop      chan struct{} // closed by Close
	stopOnce  sync.Once
	done      chan struct{} // closed when the command ended and every client was told
	readDone  chan struct{} // closed when readLoop returned
	wg        sync.WaitGroup
	killTimer *time.Timer   // guarded by mu
	moving    bool          // guarded by mu: Move is taking the session out
	moved     chan struct{} // closed by Move once the session moved
}

// Start starts a session outside any registry; see [Registry.Start].
func Start(opt Options) (*Session, error) {
	return start(opt, nil)
}

func start(opt Options, onEnd func(*Session)) (*Session, error) {
	s, err := newSession(opt, onEnd)
	if err != nil {
		return nil, err
	}
	pty, err := startPTY(s.command, opt.Dir, environ(opt.Env), s.cols, s.rows)
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", s.name, err)
	}
	s.pty = pty
	s.log.Info("session started", "command", s.Command(), "pid", pty.Pid())
	s.run()
	return s, nil
}

// newSession makes a session from opt, with its defaults, without a terminal yet.
func newSession(opt Options, onEnd func(*Session)) (*Session, error) {
	if opt.Name == "" {
		opt.Name = DefaultName
	}
	if err := checkName(opt.Name); err != nil {
		return nil, err
	}
	if len(opt.Command) == 0 {
		opt.Command = []string{loginShell()}
	}
	if opt.Cols <= 0 || opt.Rows <= 0 {
		opt.Cols, opt.Rows = 80, 24
	}
	if opt.QueueBytes <= 0 {
		opt.QueueBytes = DefaultQueueBytes
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Session{
		id:         newSessionID(),
		name:       opt.Name,
		command:    opt.Command,
		started:    time.Now(),
		queueBytes: opt.QueueBytes,
		log:        opt.Logger.With("session", opt.Name),
		onEnd:      onEnd,
		replies:    make(chan []byte, 64),
		cols:       opt.Cols,
		rows:       opt.Rows,
		policy:     opt.Size,
		stop:       make(chan struct{}),
		changed:    make(chan struct{}),
		done:       make(chan struct{}),
		readDone:   make(chan struct{}),
		moved:      make(chan struct{}),
	}
	s.driver.Store(HostID)
	s.screen = vt.New(opt.Cols, opt.Rows, vt.Options{Reply: s.queueReply})
	return s, nil
}

// run starts the session's goroutines, once its terminal is there.
func (s *Session) run() {
	s.wg.Add(3)
	go s.readLoop()
	go s.replyLoop()
	go s.waitLoop()
}

// checkName accepts names usable as SSH user names and in a terminal title.
func checkName(name string) error {
	if len(name) > 64 || strings.ContainsFunc(name, func(r rune) bool {
		return r <= ' ' || r == 0x7f || r == '@' || r == ':' || r == '/'
	}) {
		return fmt.Errorf("session name %q: use up to 64 letters, digits and punctuation other than @ : /", name)
	}
	return nil
}

func environ(extra []string) []string {
	env := append(os.Environ(), extra...)
	for _, kv := range extra {
		if strings.HasPrefix(kv, "TERM=") {
			return env
		}
	}
	return append(env, "TERM=xterm-256color")
}

// Name returns the session's name.
func (s *Session) Name() string { return s.name }

// Started returns when the session started (in the process that started it, for an
// adopted one).
func (s *Session) Started() time.Time { return s.started }

// Pid returns the process id of the session's command.
func (s *Session) Pid() int { return s.pty.Pid() }

// Command returns the command line the session runs.
func (s *Session) Command() string { return strings.Join(s.command, " ") }

// Size returns the size of the session's terminal.
func (s *Session) Size() (cols, rows int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cols, s.rows
}

// Screen returns the session's screen model, for reading (Snapshot, Text). Writing to it
// or resizing it is the session's job.
func (s *Session) Screen() *vt.Screen { return s.screen }

// Clients returns the clients attached now.
func (s *Session) Clients() []*Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Client(nil), s.clients...)
}

// Done is closed once the command has ended and every attached client was told.
func (s *Session) Done() <-chan struct{} { return s.done }

// Exit returns how the command ended, and false while it is running.
func (s *Session) Exit() (Exit, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exit, s.ended
}

// Close ends the session: the command gets SIGHUP (on Windows the console's close
// event), and is killed if it is still running a few seconds later. Close returns when the
// session's goroutines are gone.
func (s *Session) Close() error {
	s.stopOnce.Do(func() {
		close(s.stop)
		s.mu.Lock()
		running := !s.ended && !s.moving
		if running {
			s.killTimer = time.AfterFunc(killDelay, s.pty.Kill)
		}
		s.mu.Unlock()
		// Outside s.mu: closing a pseudo console waits for its output to be read.
		if running {
			s.pty.Hangup()
		}
	})
	<-s.done
	s.wg.Wait()
	return nil
}

// input writes a client's keystrokes to the terminal.
func (s *Session) input(p []byte) (int, error) {
	n, err := s.pty.Write(p)
	if err != nil {
		if errors.Is(err, os.ErrClosed) || isPTYClosed(err) {
			return n, ErrSessionEnded
		}
		return n, fmt.Errorf("session %s: input: %w", s.name, err)
	}
	return n, nil
}

// queueReply takes the screen's answer to a query. It runs inside screen.Write, on the
// reader goroutine, so it never blocks: replyLoop writes the answer to the terminal.
func (s *Session) queueReply(p []byte) {
	select {
	case s.replies <- append([]byte(nil), p...):
	default: // the program asks faster than it reads; a terminal would lose these too
	}
}

// replyLoop writes the screen's query answers to the terminal: the one place they come from.
func (s *Session) replyLoop() {
	defer s.wg.Done()
	for {
		select {
		case p := <-s.replies:
			if _, err := s.pty.Write(p); err != nil {
				return
			}
		case <-s.readDone:
			return
		}
	}
}

// readLoop reads the program's output and hands it to the screen and the clients.
func (s *Session) readLoop() {
	defer s.wg.Done()
	defer close(s.readDone)
	buf := make([]byte, 64<<10)
	for {
		n, err := s.pty.Read(buf)
		if n > 0 {
			s.output(buf[:n])
		}
		if err != nil {
			if s.isMoving() {
				return // Move stopped the read; the command goes on elsewhere
			}
			if err != io.EOF && !isPTYClosed(err) {
				s.log.Warn("read terminal", "err", err)
			}
			return
		}
	}
}

// output feeds p to the screen and queues it for every client, all under s.mu, so that a
// client attaching sees each byte either in its repaint or in its queue, never both.
func (s *Session) output(p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.screen.Write(p)
	paused := s.paused.Load()
	if s.tap != nil && (!paused || s.recordPaused) {
		s.tap.Output(time.Now(), p)
	}
	out := s.filter.filter(p)
	if len(out) == 0 {
		return
	}
	var fitted []byte // out fitted to the status lines' clients, once one has it
	var damaged bool
	for _, c := range s.clients {
		switch {
		case paused && !c.host:
		case c.view != nil:
			c.viewChanged() // its writer draws its view of the screen
		case c.statusRow() > 0:
			if fitted == nil {
				var rewrote bool
				fitted, rewrote, damaged = fitRows(s.fitBuf, out, s.rows)
				if rewrote && cap(fitted) <= 1<<20 {
					s.fitBuf = fitted[:0]
				}
			}
			c.enqueueFitted(fitted, damaged)
		default:
			c.enqueue(out)
		}
	}
}

// waitLoop waits for the command, then for its output, and tells the clients.
func (s *Session) waitLoop() {
	defer s.wg.Done()
	exited := make(chan Exit, 1)
	go func() { exited <- s.pty.Wait() }() // ends with the command; waited for below unless the session moved
	var exit Exit
	select {
	case exit = <-exited:
	case <-s.moved:
		return
	}
	drain := time.NewTimer(drainDelay)
	select {
	case <-s.readDone:
	case <-drain.C:
		// A background process still holds the terminal; the session is over regardless.
		s.pty.Close()
		<-s.readDone
	}
	drain.Stop()
	s.pty.Close()
	byHost := false
	select {
	case <-s.stop: // Close: the host ended it (its hangup is not news to anyone)
		byHost = true
		exit.Desc = EndedByHost
	default:
	}
	s.log.Info("session ended", "status", exit.Code, "by_host", byHost)

	s.mu.Lock()
	if s.moving { // Move took the session: it tells the clients and closes done
		s.mu.Unlock()
		return
	}
	s.ended, s.exit = true, exit
	if s.killTimer != nil {
		s.killTimer.Stop()
	}
	text := fmt.Sprintf("[duet: session %s ended: %s]", s.name, exit.Desc)
	if byHost {
		text = fmt.Sprintf("[duet: the host ended the session %s]", s.name)
	}
	msg := s.endMessage(text)
	for _, c := range s.clients {
		c.end(msg, &ExitError{Session: s.name, Exit: exit})
	}
	s.clients = nil
	s.mu.Unlock()

	if s.onEnd != nil {
		s.onEnd(s)
	}
	close(s.done)
}

func (s *Session) isMoving() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.moving
}

// ExitError is returned by [Client.CopyTo] when the session's command ended.
type ExitError struct {
	Session string
	Exit
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("session %s ended: %s", e.Session, e.Desc)
}
