package join

import (
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/sessions/wire"
)

// maxWaitingPings bounds the pings of a host waiting for their answer; more are
// answered at once (a Duet host has one on the way at a time).
const maxWaitingPings = 16

// acker answers a Duet host's pings (wire.PingRequest) once the output sent before each
// was consumed, not only received: whatever reads the Conn (a terminal, the window's
// widget) is part of the way, so a partner whose terminal is slow is paced like one whose
// network is, and no backlog builds up here.
type acker struct {
	mu       sync.Mutex // guards the fields below
	consumed uint64     // output bytes written on so far
	waiting  []waitingPing
	marks    []wire.History // a Duet host's marks (wire.MarkRequest) not reached yet
	// onMark is told each mark once the output before it was consumed; set before copy.
	onMark func(wire.History)
}

type waitingPing struct {
	sent uint64
	req  *ssh.Request
}

// ping answers req once p.Sent bytes were consumed.
func (a *acker) ping(req *ssh.Request, p wire.Ping) {
	a.mu.Lock()
	if p.Sent > a.consumed && len(a.waiting) < maxWaitingPings {
		a.waiting = append(a.waiting, waitingPing{p.Sent, req})
		a.mu.Unlock()
		return
	}
	a.mu.Unlock()
	req.Reply(true, nil)
}

// mark takes a Duet host's mark: it holds once m.At bytes were consumed.
func (a *acker) mark(m wire.History) {
	a.mu.Lock()
	if m.At > a.consumed {
		if len(a.marks) == maxWaitingPings {
			a.marks = a.marks[1:] // a later one says more anyway
		}
		a.marks = append(a.marks, m)
		a.mu.Unlock()
		return
	}
	a.mu.Unlock()
	if a.onMark != nil {
		a.onMark(m)
	}
}

// copy copies the channel's output to out, answering pings as it goes.
func (a *acker) copy(out io.Writer, in io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := in.Read(buf)
		if n > 0 {
			if _, werr := out.Write(buf[:n]); werr != nil {
				a.answerAll()
				return
			}
			a.done(uint64(n))
		}
		if err != nil {
			a.answerAll()
			return
		}
	}
}

// done counts n more bytes consumed and answers the pings that waited for them.
func (a *acker) done(n uint64) {
	a.mu.Lock()
	a.consumed += n
	k := 0
	for k < len(a.waiting) && a.waiting[k].sent <= a.consumed {
		k++
	}
	ready := append([]waitingPing(nil), a.waiting[:k]...)
	a.waiting = append(a.waiting[:0], a.waiting[k:]...)
	var reached *wire.History
	for len(a.marks) > 0 && a.marks[0].At <= a.consumed {
		reached = &a.marks[0]
		a.marks = a.marks[1:]
	}
	a.mu.Unlock()
	for _, w := range ready {
		w.req.Reply(true, nil)
	}
	if reached != nil && a.onMark != nil {
		a.onMark(*reached)
	}
}

func (a *acker) answerAll() {
	a.mu.Lock()
	ready := a.waiting
	a.waiting = nil
	a.mu.Unlock()
	for _, w := range ready {
		w.req.Reply(true, nil)
	}
}

// rttProbe is how often a link measures its round trip to the server (see keepAlive).
const rttProbe = 2 * time.Second
