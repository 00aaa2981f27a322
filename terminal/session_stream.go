package terminal

import (
	"io"

	"github.com/duetpair/duet/sessions"
)

// clientStream shows a hosted session in the widget as one more attachment of it: the
// same code path a remote partner's SSH channel uses.
type clientStream struct {
	c    *sessions.Client
	pr   *io.PipeReader
	done chan struct{} // closed when the copying goroutine returned
}

// NewSessionStream returns a Stream for a client attached to a hosted session. The
// session's output (its repaint first) is read from it; Close detaches the client.
func NewSessionStream(c *sessions.Client) Stream {
	pr, pw := io.Pipe()
	s := &clientStream{c: c, pr: pr, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		err := c.CopyTo(pw)
		if err == nil {
			err = io.EOF
		}
		_ = pw.CloseWithError(err)
	}()
	return s
}

func (s *clientStream) Read(p []byte) (int, error)  { return s.pr.Read(p) }
func (s *clientStream) Write(p []byte) (int, error) { return s.c.Write(p) }

func (s *clientStream) Resize(cols, rows int) error {
	s.c.Resize(cols, rows)
	return nil
}

// SessionSize is the hosted session's terminal size, which partners with smaller
// terminals may make smaller than the widget.
func (s *clientStream) SessionSize() (cols, rows int) { return s.c.Session().Size() }

// Close detaches the client and waits for the copying goroutine.
func (s *clientStream) Close() error {
	s.c.Detach()
	_ = s.pr.Close()
	<-s.done
	return nil
}
