package wire

import (
	"fmt"

	"golang.org/x/crypto/ssh"
)

// HistoryRequest is the type of the channel request in which a Duet partner tells the
// host, on its session channel before its shell, what its terminal has of the session's
// history (a [History]; the zero one on a first join), so that after a reconnect it gets
// only the scrollback it lacks. It is sent without asking for a reply, and only to a
// Duet host. A host that gets it tells the partner, with MarkRequests, how far the output
// it sends takes the partner's terminal.
const HistoryRequest = "duet-history@duetpair.github.io"

// MarkRequest is the type of the channel request a Duet host sends a partner that sent a
// HistoryRequest: once the partner's terminal has taken the first At bytes of the
// channel's output, it has the History. It is sent without asking for a reply.
const MarkRequest = "duet-mark@duetpair.github.io"

// MaxSessionID bounds a session's ID as sent and as accepted.
const MaxSessionID = 64

// History is how much of a session's history a terminal has: the lines numbered below
// Lines (counted from the session's start, as they left the top of its screen) of the
// session whose ID is Session; At is where in the channel's output that holds (a
// MarkRequest's; 0 in a HistoryRequest).
type History struct {
	Session string
	Lines   uint64
	At      uint64
}

// Marshal returns the payload of a HistoryRequest or a MarkRequest.
func (h History) Marshal() []byte {
	return ssh.Marshal(&struct {
		Session   string
		Lines, At uint64
	}{bound(h.Session, MaxSessionID), h.Lines, h.At})
}

// ParseHistory reads the payload of a HistoryRequest or a MarkRequest.
func ParseHistory(p []byte) (History, error) {
	var m struct {
		Session   string
		Lines, At uint64
	}
	if len(p) > MaxSessionID+4+16 || ssh.Unmarshal(p, &m) != nil || len(m.Session) > MaxSessionID {
		return History{}, fmt.Errorf("malformed %s", HistoryRequest)
	}
	return History{Session: m.Session, Lines: m.Lines, At: m.At}, nil
}
