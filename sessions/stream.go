package sessions

import (
	"io"
	"sync"
)

// Stream is a client attached to a session as a byte stream, as a terminal widget reads
// and writes one: the session's output (its repaint first) to read, keystrokes to write,
// resizes, and Close to detach. The host's own window shows a session through a Stream:
// one more attachment, the same code path a remote partner's SSH channel uses.
//
// A session is as small as its smallest typing client, so its output may be meant for a
// terminal smaller than the reader's: [Stream.ReadSized] says, for every piece of output,
// the size it is for, so that the reader's screen takes the session's size at exactly
// the point in the output where the session's did.
type Stream struct {
	c *Client

	mu         sync.Mutex // one reader at a time; guards the fields below
	buf        []byte     // output taken from the client, from off on not read yet
	off        int
	marks      []sizeMark // size changes in buf, not reached yet
	cols, rows int        // the size the output at buf[off] is for
	done       bool       // the client ended: buf is its last output
	err        error      // what the reader gets once buf is read (nil: io.EOF)
}

// NewStream returns a Stream for a client attached to a session. The session's output
// (its repaint first) is read from it; Close detaches the client. Attach the client with
// AttachOptions.FollowSize for ReadSized to report the session's size changes.
func NewStream(c *Client) *Stream {
	cols, rows := c.Session().Size()
	return &Stream{c: c, cols: cols, rows: rows}
}

// Read reads the session's output, ignoring the sizes it is for.
func (s *Stream) Read(p []byte) (int, error) {
	for {
		n, _, _, err := s.ReadSized(p)
		if n > 0 || err != nil || len(p) == 0 {
			return n, err
		}
	}
}

// ReadSized reads the session's output into p, all of it meant for a terminal of cols x
// rows. It may return no bytes, with a new size: the session changed its size and has no
// output since. It returns io.EOF once the client was detached or kicked (after the
// kick's message) and *ExitError once the session ended (after its last output).
func (s *Stream) ReadSized(p []byte) (n, cols, rows int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		resized := s.applyMarks()
		if s.off < len(s.buf) {
			end := len(s.buf)
			if len(s.marks) > 0 {
				end = s.marks[0].at
			}
			n = copy(p, s.buf[s.off:end])
			s.off += n
			return n, s.cols, s.rows, nil
		}
		if resized {
			return 0, s.cols, s.rows, nil
		}
		if s.done {
			if s.err == nil {
				return 0, s.cols, s.rows, io.EOF
			}
			return 0, s.cols, s.rows, s.err
		}
		var marks []sizeMark
		s.buf, marks, s.done, s.err = s.c.next(s.buf[:0])
		s.off, s.marks = 0, marks
	}
}

// applyMarks takes on the sizes of the marks reached; it reports whether the size
// changed. s.mu is held.
func (s *Stream) applyMarks() bool {
	changed := false
	for len(s.marks) > 0 && s.marks[0].at <= s.off {
		m := s.marks[0]
		s.marks = s.marks[1:]
		if m.cols != s.cols || m.rows != s.rows {
			s.cols, s.rows, changed = m.cols, m.rows, true
		}
	}
	return changed
}

func (s *Stream) Write(p []byte) (int, error) { return s.c.Write(p) }

func (s *Stream) Resize(cols, rows int) error {
	s.c.Resize(cols, rows)
	return nil
}

// Close detaches the client: a Read waiting for output returns.
func (s *Stream) Close() error {
	s.c.Detach()
	return nil
}
