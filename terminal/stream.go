package terminal

import (
	"io"
	"sync"
)

// Stream is what a Terminal shows and types into: a hosted session's attachment or an
// SSH channel. Read returns the program's output (a repaint first, when attaching to a
// session), Write takes the encoded keystrokes, Resize reports the widget's grid size.
// Close ends the stream and makes a blocked Read return.
type Stream interface {
	io.ReadWriteCloser
	Resize(cols, rows int) error
}

// sizedStream is a Stream whose output is meant for a terminal of a size it sets: a
// shared session is as small as its smallest typing client. The widget's screen takes
// that size at the point in the output where it changed, and the grid beyond it is
// shown as outside the session. ReadSized may return no bytes with a new size.
type sizedStream interface {
	ReadSized(p []byte) (n, cols, rows int, err error)
}

// gridFollower is a sized stream that may not know the size yet (a joined host that
// does not say it): while FollowsGrid reports true, the screen takes the grid's size as
// an unsized stream's does, and ReadSized returns 0 for the size.
type gridFollower interface {
	FollowsGrid() bool
}

// followsGrid reports whether the attached stream is a sized one that does not know
// the size (yet).
func (t *Terminal) followsGrid() bool {
	t.mu.Lock()
	s := t.stream
	t.mu.Unlock()
	f, ok := s.(gridFollower)
	return ok && f.FollowsGrid()
}

// inputQueue carries keystrokes from the UI goroutine to the stream without ever
// blocking the UI and without dropping anything: a stream that stalls only grows it.
type inputQueue struct {
	mu     sync.Mutex
	chunks [][]byte // guarded by mu
	closed bool     // guarded by mu
	ready  chan struct{}
}

func newInputQueue() *inputQueue { return &inputQueue{ready: make(chan struct{}, 1)} }

func (q *inputQueue) push(b []byte) {
	if len(b) == 0 {
		return
	}
	q.mu.Lock()
	if !q.closed {
		q.chunks = append(q.chunks, b)
	}
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// take waits for input and returns all of it joined, or false once closed.
func (q *inputQueue) take() ([]byte, bool) {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return nil, false
		}
		if len(q.chunks) > 0 {
			var out []byte
			for _, c := range q.chunks {
				out = append(out, c...)
			}
			q.chunks = q.chunks[:0]
			q.mu.Unlock()
			return out, true
		}
		q.mu.Unlock()
		<-q.ready
	}
}

func (q *inputQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}
