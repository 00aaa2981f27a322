package app

import (
	"errors"
	"io"
	"sync/atomic"

	"github.com/duetpair/duet/sessions/join"
	"github.com/duetpair/duet/sessions/wire"
)

// joinStream shows a joined connection in a terminal widget: the connection's output and
// its standard error (the host's messages) merged, as a terminal shows them. A Duet host
// says in the output the size of the terminal it is for (join.Config.Sized): the stream
// takes those marks out and gives the widget the size with the output (ReadSized), so
// that a session made smaller by someone else's terminal is drawn at its size and the
// rest shaded; until a mark comes (any other server) the screen is the widget's size.
type joinStream struct {
	conn *join.Conn // set once Dial returned; see start
	pr   *io.PipeReader
	pw   *io.PipeWriter
	done chan struct{} // closed when the copying goroutine returned

	onOutput func() // the first output arrived: we are in

	marked atomic.Bool // a size mark came: the host sets the size from now on
	// The widget's reader goroutine only:
	marks      wire.SizeMarks
	rest       []byte        // output read and not returned yet, marks taken out
	restMarks  []wire.SizeAt // the marks in rest
	cols, rows int           // the size the output returned last is for
	readErr    error         // the pipe's, returned once rest is empty
}

func newJoinStream() *joinStream {
	s := &joinStream{done: make(chan struct{})}
	s.pr, s.pw = io.Pipe()
	return s
}

// stderr is the connection's standard error (the host's messages): shown in the
// terminal, but not output that says we are in.
func (s *joinStream) stderr() io.Writer { return s.pw }

// start copies the connection's output into the stream until it ends.
func (s *joinStream) start(conn *join.Conn) {
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

func (s *joinStream) Read(p []byte) (int, error) {
	n, _, _, err := s.ReadSized(p)
	return n, err
}

// ReadSized returns output and the size of the terminal it is for: 0, 0 until the host
// said one (see FollowsGrid). It returns no bytes with a new size when a mark ends what
// was read.
func (s *joinStream) ReadSized(p []byte) (n, cols, rows int, err error) {
	for len(s.rest) == 0 {
		if len(s.restMarks) > 0 { // marks after the last byte
			s.takeMarks()
			return 0, s.cols, s.rows, nil
		}
		if s.readErr != nil {
			return 0, s.cols, s.rows, s.readErr
		}
		n, err := s.pr.Read(p)
		s.readErr = err
		s.rest, s.restMarks = s.marks.Take(s.rest[:0], p[:n])
	}
	s.takeMarks()
	end := len(s.rest)
	if len(s.restMarks) > 0 {
		end = s.restMarks[0].At
	}
	n = copy(p, s.rest[:end])
	s.rest = s.rest[n:]
	for i := range s.restMarks {
		s.restMarks[i].At -= n
	}
	return n, s.cols, s.rows, nil
}

// takeMarks applies the marks at the start of rest.
func (s *joinStream) takeMarks() {
	for len(s.restMarks) > 0 && s.restMarks[0].At == 0 {
		s.cols, s.rows = s.restMarks[0].Cols, s.restMarks[0].Rows
		s.restMarks = s.restMarks[1:]
		s.marked.Store(true)
	}
}

// FollowsGrid reports whether the screen is still the widget's size: no host said a
// size (yet).
func (s *joinStream) FollowsGrid() bool { return !s.marked.Load() }

// Write types into the connection; keys typed while it reconnects are held and sent
// once it is back (beyond join.MaxHeldInput they are dropped, and the banner says so),
// as in `duet join`, without stopping the widget's writer.
func (s *joinStream) Write(p []byte) (int, error) {
	if s.conn == nil {
		return len(p), nil
	}
	n, err := s.conn.Write(p)
	if errors.Is(err, join.ErrDisconnected) {
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
