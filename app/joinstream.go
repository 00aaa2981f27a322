package app

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"

	"github.com/duetpair/duet/sessions"
)

// approvalLine starts what a Duet host writes to a partner's standard error while the
// partner's key waits for approval.
const approvalLine = "waiting for the host to approve key "

// joinStream shows a joined connection in a terminal widget: the connection's output
// and its standard error (the host's messages) merged, as a terminal shows them, with
// the host's messages also read for the window (waiting for approval, why it ended).
type joinStream struct {
	conn *sessions.Conn // set once Dial returned; see start
	pr   *io.PipeReader
	pw   *io.PipeWriter
	done chan struct{} // closed when the copying goroutine returned

	onWaiting func(fp string) // the host asks its user about our key
	onOutput  func()          // the first output arrived: we are in

	mu       sync.Mutex // guards the fields below
	line     []byte     // the standard error line being written
	lastLine string     // the last whole line of standard error
}

func newJoinStream() *joinStream {
	s := &joinStream{done: make(chan struct{})}
	s.pr, s.pw = io.Pipe()
	return s
}

// stderr is the connection's standard error: shown in the terminal and read.
func (s *joinStream) stderr() io.Writer { return stderrTap{s} }

type stderrTap struct{ s *joinStream }

func (t stderrTap) Write(p []byte) (int, error) {
	s := t.s
	s.mu.Lock()
	s.line = append(s.line, p...)
	var waiting []string
	for {
		i := bytes.IndexByte(s.line, '\n')
		if i < 0 {
			break
		}
		l := strings.TrimSpace(string(s.line[:i]))
		s.line = s.line[i+1:]
		if l == "" {
			continue
		}
		s.lastLine = l
		if fp, ok := strings.CutPrefix(l, approvalLine); ok {
			waiting = append(waiting, fp)
		}
	}
	s.mu.Unlock()
	for _, fp := range waiting {
		if s.onWaiting != nil {
			s.onWaiting(fp)
		}
	}
	return s.pw.Write(p)
}

// lastErrLine returns the last line the host wrote to standard error.
func (s *joinStream) lastErrLine() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := strings.TrimSpace(string(s.line)); l != "" {
		return l
	}
	return s.lastLine
}

// start copies the connection's output into the stream until it ends.
func (s *joinStream) start(conn *sessions.Conn) {
	s.conn = conn
	go func() { // owned by Close, which waits for it
		defer close(s.done)
		buf := make([]byte, 32<<10)
		first := true
		for {
			n, err := conn.Read(buf)
			if n > 0 {
				if first && s.onOutput != nil {
					s.onOutput()
				}
				first = false
				if _, werr := s.pw.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				s.pw.CloseWithError(err)
				return
			}
		}
	}()
}

// abort ends a stream whose Dial failed.
func (s *joinStream) abort() {
	s.pw.Close()
	close(s.done)
}

func (s *joinStream) Read(p []byte) (int, error) { return s.pr.Read(p) }

// Write types into the connection; keys typed while it reconnects are dropped, as in
// `duet join`, without stopping the widget's writer.
func (s *joinStream) Write(p []byte) (int, error) {
	if s.conn == nil {
		return len(p), nil
	}
	n, err := s.conn.Write(p)
	if errors.Is(err, sessions.ErrDisconnected) {
		return len(p), nil
	}
	return n, err
}

func (s *joinStream) Resize(cols, rows int) error {
	if s.conn == nil {
		return nil
	}
	return s.conn.Resize(cols, rows)
}

// Close closes the connection (the host is untouched) and waits for the copying.
func (s *joinStream) Close() error {
	if s.conn != nil {
		s.conn.Close()
	}
	s.pr.Close()
	<-s.done
	return nil
}
