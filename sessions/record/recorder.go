package record

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/keys"
	"github.com/duetpair/duet/sessions"
)

// Defaults of a Recorder.
const (
	// FlushInterval is how often a Recorder writes, signs and syncs what it has: a crash
	// loses at most this much of the recording.
	FlushInterval = time.Second
	// maxPending bounds what a Recorder keeps in memory between flushes; output beyond it
	// (a disk far slower than the program) is dropped, and the recording says so.
	maxPending = 16 << 20
	// flushBytes makes the writer flush early when this much is pending.
	flushBytes = 1 << 20
)

// Options configure [Create].
type Options struct {
	HostKey    ssh.Signer // signs the recording; required
	Session    string     // the session's name, for the header and the title
	Cols, Rows int        // the terminal's size when recording starts
	Logger     *slog.Logger
}

// event is one event waiting to be written.
type event struct {
	t    time.Time
	typ  string // "o", "i", "r", "m"
	data []byte
	who  sessions.Who // for "i"
}

// Recorder records a session into an asciicast v2 file as it goes; see the package
// documentation. Hand it to sessions.Session.SetTap; Close it after taking it off.
type Recorder struct {
	path   string
	f      *os.File
	signer ssh.Signer
	start  time.Time
	log    *slog.Logger

	chain    chain     // only the writer goroutine touches it after Create
	lastSync time.Time // likewise
	last     float64   // likewise: the time of the last event written

	mu       sync.Mutex // guards the fields below
	pending  []event
	size     int    // bytes of data pending
	tail     []byte // an incomplete UTF-8 sequence at the end of the last output
	dropped  bool   // output was dropped since the last flush
	closed   bool
	writeErr error

	wake chan struct{} // buffered 1: a flush is due
	stop chan struct{}
	done chan struct{} // closed when the writer goroutine returned
}

// ErrExists is returned by Create for a file that is already there: a recording is never
// overwritten.
var ErrExists = errors.New("the file already exists; choose another name")

// Create creates the recording file at path (which must not exist), writes its header and
// starts writing events as they come.
func Create(path string, opt Options) (*Recorder, error) {
	if opt.HostKey == nil {
		return nil, errors.New("record: no host key to sign with")
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("record to %s: %w", path, ErrExists)
	}
	if err != nil {
		return nil, fmt.Errorf("record to %s: %w", path, err)
	}
	now := time.Now()
	pub := opt.HostKey.PublicKey()
	h := Header{
		Version: 2, Width: max(opt.Cols, 1), Height: max(opt.Rows, 1), Timestamp: now.Unix(),
		Title: "Duet session " + opt.Session,
		Env:   map[string]string{"TERM": "xterm-256color"},
		Duet: &DuetHeader{
			Format: 1, HostKey: keys.AuthorizedKey(pub, ""), Fingerprint: keys.Fingerprint(pub),
			Session: opt.Session,
		},
	}
	line, err := json.Marshal(h)
	if err == nil {
		_, err = f.Write(append(line, '\n'))
	}
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("record to %s: %w", path, err)
	}
	r := &Recorder{
		path: path, f: f, signer: opt.HostKey, start: now, log: opt.Logger.With("recording", path),
		chain: newChain(line), lastSync: now,
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
	}
	go r.run()
	return r, nil
}

// Path returns the file recorded to.
func (r *Recorder) Path() string { return r.path }

// Output records output (sessions.Tap).
func (r *Recorder) Output(t time.Time, p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	data := append(append([]byte(nil), r.tail...), p...)
	r.tail = r.tail[:0]
	if n := incompleteUTF8(data); n > 0 {
		r.tail = append(r.tail, data[len(data)-n:]...)
		data = data[:len(data)-n]
	}
	if len(data) == 0 {
		return
	}
	if r.size+len(data) > maxPending {
		r.dropped = true
		return
	}
	r.addLocked(event{t: t, typ: "o", data: data})
}

// Input records what a client typed (sessions.Tap).
func (r *Recorder) Input(t time.Time, who sessions.Who, p []byte) {
	r.add(event{t: t, typ: "i", data: append([]byte(nil), p...), who: who})
}

// Resize records a new size (sessions.Tap).
func (r *Recorder) Resize(t time.Time, cols, rows int) {
	r.add(event{t: t, typ: "r", data: []byte(size(cols, rows))})
}

// Mark records a marker (sessions.Tap).
func (r *Recorder) Mark(t time.Time, label string) {
	r.add(event{t: t, typ: "m", data: []byte(label)})
}

func (r *Recorder) add(e event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.size+len(e.data) > maxPending {
		return
	}
	r.addLocked(e)
}

func (r *Recorder) addLocked(e event) {
	r.pending = append(r.pending, e)
	r.size += len(e.data)
	if r.size >= flushBytes {
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
}

// Close writes what is pending and the last, signed checkpoint, and closes the file. The
// Recorder must be off the session (SetTap(nil)) first; Close returns the first error
// writing the file met.
func (r *Recorder) Close() error {
	r.mu.Lock()
	already := r.closed
	r.closed = true
	r.mu.Unlock()
	if !already {
		close(r.stop)
	}
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.writeErr
}

// run writes the pending events every FlushInterval (or sooner when much is pending),
// until Close.
func (r *Recorder) run() {
	defer close(r.done)
	t := time.NewTicker(FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-r.wake:
		case <-r.stop:
			r.flush(true)
			if err := r.f.Close(); err != nil {
				r.fail(err)
			}
			return
		}
		r.flush(false)
	}
}

// flush writes the events pending, then a signed checkpoint, and syncs the file if the
// last sync is a FlushInterval ago (or this is the end).
func (r *Recorder) flush(end bool) {
	r.mu.Lock()
	events, dropped := r.pending, r.dropped
	r.pending, r.size, r.dropped = nil, 0, false
	if end && len(r.tail) > 0 {
		events = append(events, event{t: time.Now(), typ: "o", data: r.tail})
		r.tail = nil
	}
	r.mu.Unlock()
	if len(events) == 0 && !dropped && !end {
		return
	}
	var out []byte
	write := func(t time.Time, typ string, data any) {
		line, err := eventLine(r.at(t), typ, data)
		if err != nil {
			r.fail(err)
			return
		}
		r.chain.add(line)
		out = append(append(out, line...), '\n')
	}
	for _, e := range events {
		if e.typ == "i" {
			write(e.t, "x", extra{InputBy: e.who.Name, FP: e.who.Fingerprint})
		}
		write(e.t, e.typ, string(e.data))
	}
	if dropped {
		write(time.Now(), "m", "output dropped: the recording could not keep up")
	}
	chainText := r.chain.text()
	now := time.Now()
	at := r.at(now)
	sig, err := r.signer.Sign(rand.Reader, signed(chainText, timeText(at), r.chain.lines, end))
	if err != nil {
		r.fail(fmt.Errorf("sign: %w", err))
		return
	}
	write(now, "x", extra{
		Lines: r.chain.lines, Chain: chainText,
		Sig: base64.StdEncoding.EncodeToString(ssh.Marshal(sig)), End: end,
	})
	if _, err := r.f.Write(out); err != nil {
		r.fail(err)
		return
	}
	if end || time.Since(r.lastSync) >= FlushInterval {
		if err := r.f.Sync(); err != nil {
			r.fail(err)
		}
		r.lastSync = time.Now()
	}
}

// at is t as an event time: seconds since the start, never before the last event's (the
// session's clock and the writer's are read on different goroutines).
func (r *Recorder) at(t time.Time) float64 {
	s, _ := strconv.ParseFloat(timeText(t.Sub(r.start).Seconds()), 64)
	if s < r.last {
		s = r.last
	}
	r.last = s
	return s
}

func (r *Recorder) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.writeErr == nil {
		r.writeErr = fmt.Errorf("record to %s: %w", r.path, err)
		r.log.Error("recording", "err", err)
	}
}

// incompleteUTF8 returns how many bytes at the end of p start a UTF-8 sequence that is
// not complete yet.
func incompleteUTF8(p []byte) int {
	for i := 1; i <= 3 && i <= len(p); i++ {
		b := p[len(p)-i]
		if b < 0x80 {
			return 0
		}
		if utf8.RuneStart(b) {
			if !utf8.FullRune(p[len(p)-i:]) {
				return i
			}
			return 0
		}
	}
	return 0
}
