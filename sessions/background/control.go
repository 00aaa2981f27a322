package background

import (
	"encoding/json"
	"log/slog"
	"time"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/sessions/host"
)

// Listing is what `duet ls` shows: the background host and its sessions.
type Listing struct {
	Pid      int       `json:"pid"`
	Addr     string    `json:"addr"`
	Sessions []Session `json:"sessions"`
}

// Session is one session a background host serves.
type Session struct {
	Name     string    `json:"name"`
	Command  string    `json:"command"`
	Started  time.Time `json:"started"`
	Cols     int       `json:"cols"`
	Rows     int       `json:"rows"`
	Partners int       `json:"partners"`
	Paused   bool      `json:"paused,omitempty"`
}

// request is one line a client sends on the socket.
type request struct {
	Op      string `json:"op"`                // "ls", "stop", "take"
	Session string `json:"session,omitempty"` // stop: this session only
}

// reply answers ls (Listing set) and stop.
type reply struct {
	Error   string   `json:"error,omitempty"`
	Listing *Listing `json:"listing,omitempty"`
}

// maxRequest bounds a request line.
const maxRequest = 4 << 10

func marshalLine(v any) []byte {
	b, _ := json.Marshal(v)
	return append(b, '\n')
}

// Config is what a background host runs with.
type Config struct {
	// Dir is the config dir: the socket is there.
	Dir string
	// Handoff is what the window handed over; Run owns it.
	Handoff *Handoff
	// NewHost returns the SSH host that serves reg: the window's host key, approved keys
	// and own key. Its Approve should be nil (nobody is there to ask).
	NewHost func(reg *sessions.Registry) *host.Server
	// Logger receives the log; nil discards it.
	Logger *slog.Logger
	// Ready, if set, is called once the sessions are served and the socket listens.
	Ready func(addr string)
	// Quit, once closed, stops the sessions and the background host (a signal).
	Quit <-chan struct{}
}
