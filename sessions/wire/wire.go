// Package wire is what a Duet host and a Duet partner agree on beyond plain SSH: the
// default port, the typed status a host sends on a partner's session channel (waiting
// for approval, approved, refused, kicked, ended, the partner's role), each with the one
// sentence a person reads for it, and the display name a partner sends (NameRequest). The
// host (sessions/host) sends statuses and writes their sentences to the channel's
// standard error for OpenSSH partners; the joining side (sessions/join) reads the typed
// value and never parses the text. CleanName is how any name from the other side of a
// connection (a display name, a key's comment) is bounded and escaped before it is shown.
//
// Pairing between a host and a Duet window (who is here, who drives, chat, the call link,
// "look here") goes in PairRequest messages (pair.go), bounded and fuzzed like the rest;
// CheckCall says which call links may be set and shown.
// The host also pings partners after output (PingRequest), which every SSH client
// answers. A host whose sessions move to another process of the same host (the window
// quits keeping them) says Moved, the one status after which a partner reconnects.
//
// Package wire imports only internal/safetext of Duet's packages.
package wire

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/duetpair/duet/internal/safetext"
)

// DefaultPort is the port a Duet host listens on, and the port of a partner's address
// that names none.
const DefaultPort = 2222

// ServerVersion is the SSH version a Duet host announces: a partner tells only such a
// host its display name.
const ServerVersion = "SSH-2.0-Duet"

// ClientVersion is the SSH version `duet join` and the window log in with; a host tells
// such a partner nothing meant for OpenSSH users (how to use ssh -t).
const ClientVersion = "SSH-2.0-Duet"

// DefaultSession is the session a partner's address asks for when it names none; a
// Duet host serves its default session to a name it does not know.
const DefaultSession = "main"

// KickGrace is how long a host gives a connection it ends (a kick, a revocation,
// stopping) to receive its parting message before it cuts the connection.
const KickGrace = 2 * time.Second

// StatusRequest is the type of the channel request that carries a [Status] from the host
// to a partner's session channel. It is sent without asking for a reply, so SSH clients
// that do not know it ignore it (RFC 4254, section 5.4).
const StatusRequest = "duet-status@duetpair.github.io"

// State is what a [Status] reports.
type State uint32

const (
	// Waiting: the partner's key waits for the host's approval.
	Waiting State = iota + 1
	// Approved: the host let the key in.
	Approved
	// Denied: the host denied the key.
	Denied
	// TimedOut: the host did not answer in time; the key is denied.
	TimedOut
	// Busy: too many partners wait for approval; the key is denied for now.
	Busy
	// Refused: the host refused what the channel asked for (Text says why).
	Refused
	// Kicked: the host disconnected the partner (Text is the host's message).
	Kicked
	// Stopped: the host stopped sharing.
	Stopped
	// Ended: the shared session ended (Text: how, e.g. "exit status 0").
	Ended
	// Recording: the session is being recorded (told at join and when it starts).
	Recording
	// NotRecording: the recording stopped.
	NotRecording
	// Paused: the host paused sharing; the partner sees a curtain and cannot type.
	Paused
	// Resumed: the host resumed sharing; the screen is repainted.
	Resumed
	// Role: what the partner may do, at join and whenever the host changes it (Text:
	// RoleType or RoleView).
	Role
	// View: the session is larger than the partner's terminal, which shows the part of it
	// around the cursor (Text: the session's size, "120x40"), or, with no Text, no
	// longer. A Duet partner may move that part (PanRequest).
	View
	// Moved: the host's sessions move to another process of the same host (the window
	// quit and a background duet host serves them, or back): the same address and host
	// key serve them again in a moment, so a partner reconnects.
	Moved
	// Call: the link of the call that goes with the session (Text), at join and when it
	// changes; a terminal shows it as it is, a window opens it only when clicked.
	Call
)

// The Text of a Role status.
const (
	RoleType = "type"
	RoleView = "view"
)

var stateNames = [...]string{
	Waiting: "waiting", Approved: "approved", Denied: "denied", TimedOut: "timed out",
	Busy: "busy", Refused: "refused", Kicked: "kicked", Stopped: "stopped", Ended: "ended",
	Recording: "recording", NotRecording: "not recording", Paused: "paused", Resumed: "resumed",
	Role: "role", View: "view", Moved: "moved", Call: "call",
}

func (s State) String() string {
	if int(s) < len(stateNames) && stateNames[s] != "" {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint32(s))
}

// Final reports whether the state ends the partner's channel: the host will not let the
// partner in on it (and a reconnect would meet the same answer or an ended session).
func (s State) Final() bool {
	switch s {
	case Denied, TimedOut, Busy, Refused, Kicked, Stopped, Ended:
		return true
	}
	return false
}

// MaxText bounds a status's Text, as sent and as accepted.
const MaxText = 512

// Status is one thing the host tells a partner about its channel.
type Status struct {
	State       State
	Fingerprint string // the partner's key ("SHA256:..."), for Waiting, Approved and refusals
	Text        string // the host's words: a kick message, why a request was refused, how the session ended
}

// payload is a Status on the wire.
type payload struct {
	State       uint32
	Fingerprint string
	Text        string
}

// Marshal returns the request payload that carries s.
func (s Status) Marshal() []byte {
	return ssh.Marshal(&payload{State: uint32(s.State), Fingerprint: bound(s.Fingerprint, 100), Text: bound(s.Text, MaxText)})
}

// ErrBadStatus is returned by ParseStatus for a payload that is not a Status.
var ErrBadStatus = errors.New("malformed duet status")

// ParseStatus reads a status request's payload. The text in it comes from the other side:
// show it escaped.
func ParseStatus(p []byte) (Status, error) {
	var m payload
	if err := ssh.Unmarshal(p, &m); err != nil || m.State == 0 || len(m.Fingerprint) > 100 || len(m.Text) > MaxText {
		return Status{}, ErrBadStatus
	}
	return Status{State: State(m.State), Fingerprint: m.Fingerprint, Text: m.Text}, nil
}

// Message returns the sentence a person reads for s, without a line end. The host's
// words (Text) and the fingerprint come from the other side: they are escaped and
// bounded (internal/safetext), so a message never acts on the terminal it is shown on.
func (s Status) Message() string {
	s.Fingerprint = safetext.Line(s.Fingerprint, 100)
	s.Text = safetext.Line(s.Text, MaxText)
	switch s.State {
	case Waiting:
		return "waiting for the host to approve key " + s.Fingerprint
	case Approved:
		return "the host approved key " + s.Fingerprint
	case Denied:
		return "the host denied key " + s.Fingerprint
	case TimedOut:
		return "the host did not answer in time for key " + s.Fingerprint
	case Busy:
		return "too many partners are waiting for approval; try again later with key " + s.Fingerprint
	case Refused, Kicked:
		return s.Text
	case Stopped:
		if s.Text != "" {
			return s.Text
		}
		return "the host stopped sharing"
	case Recording:
		return "[duet: this session is being recorded]"
	case NotRecording:
		return "[duet: the recording stopped]"
	case Paused:
		return "[duet: the host paused sharing]"
	case Resumed:
		return "[duet: the host resumed sharing]"
	case Ended:
		if s.Text == "" {
			return "the session ended"
		}
		return "the session ended: " + s.Text
	case View:
		if s.Text == "" {
			return "[duet: you see all of the session again]"
		}
		return "[duet: the session is " + s.Text + ", larger than your terminal: you see the part around the cursor]"
	case Moved:
		if s.Text != "" {
			return s.Text
		}
		return "the host moved the session to another process"
	case Call:
		return "[duet: the call for this session: " + s.Text + "]"
	case Role:
		if s.Text == RoleView {
			return "you are view only: you see the session, but the host has not let you type"
		}
		return "you can type"
	}
	return s.State.String()
}

// bound cuts s to at most n bytes.
func bound(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
