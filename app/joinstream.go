package app

import (
	"errors"
	"io"

	"github.com/duetpair/duet/sessions/join"
)

// joinStream shows a joined connection in a terminal widget: the connection's output and
// its standard error (the host's messages) merged, as a terminal shows them.
type joinStream struct {
	conn *join.Conn // set once Dial returned; see start
	pr   *io.PipeReader
	pw   *io.PipeWriter
	done chan struct{} // closed when the copying goroutine returned

	onOutput func() // the first output arrived: we are in
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

func (s *joinStream) Read(p []byte) (int, error) { return s.pr.Read(p) }

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
