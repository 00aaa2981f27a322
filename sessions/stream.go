package sessions

import "io"

// Stream is a client attached to a session as a byte stream, as a terminal widget reads
// and writes one: the session's output (its repaint first) to read, keystrokes to write,
// resizes, and Close to detach. The host's own window shows a session through a Stream:
// one more attachment, the same code path a remote partner's SSH channel uses.
type Stream struct {
	c    *Client
	pr   *io.PipeReader
	done chan struct{} // closed when the copying goroutine returned
}

// NewStream returns a Stream for a client attached to a session. The session's output
// (its repaint first) is read from it; Close detaches the client.
func NewStream(c *Client) *Stream {
	pr, pw := io.Pipe()
	s := &Stream{c: c, pr: pr, done: make(chan struct{})}
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

func (s *Stream) Read(p []byte) (int, error)  { return s.pr.Read(p) }
func (s *Stream) Write(p []byte) (int, error) { return s.c.Write(p) }

func (s *Stream) Resize(cols, rows int) error {
	s.c.Resize(cols, rows)
	return nil
}

// SessionSize is the session's terminal size, which partners with smaller terminals may
// make smaller than the client's.
func (s *Stream) SessionSize() (cols, rows int) { return s.c.Session().Size() }

// Close detaches the client and waits for the copying goroutine.
func (s *Stream) Close() error {
	s.c.Detach()
	_ = s.pr.Close()
	<-s.done
	return nil
}
