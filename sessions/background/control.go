package background

import (
	"encoding/json"
	"time"
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
