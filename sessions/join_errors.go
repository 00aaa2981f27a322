package sessions

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrHostClosed is how a joined session ends when the host closed it without an exit
// status (the reason, if any, was the session's last output).
var ErrHostClosed = errors.New("the host closed the session")

// errConnLost is the cause of a drop when the network gave no better one.
var errConnLost = errors.New("connection lost")

// PinError refuses a host whose key is not the one the invite pins.
type PinError struct {
	Host    string // host:port
	Pinned  string // the invite's fingerprint
	Offered string // the host key's fingerprint
}

func (e *PinError) Error() string {
	return fmt.Sprintf("the host key of %s is %s, not %s as the invite says: the invite is wrong or someone is intercepting the connection",
		e.Host, e.Offered, e.Pinned)
}

// AuthError says that the server accepted none of the keys offered.
type AuthError struct {
	Addr    Address
	Offered []string // "SHA256:... (Duet key)", one per key offered
	// DuetKey is the user's Duet public key as an authorized_keys line ("" if it was not
	// offered): what the host has to approve, or to add to ~/.ssh/authorized_keys.
	DuetKey string
}

func (e *AuthError) Error() string {
	if len(e.Offered) == 0 {
		return fmt.Sprintf("%s accepts only keys, and there was no key to offer", e.Addr)
	}
	return fmt.Sprintf("%s accepted none of your keys (offered %s)", e.Addr, strings.Join(e.Offered, ", "))
}

// RefusedError says that the server refused the session: the channel, the shell or the
// command.
type RefusedError struct {
	What   string // "the session", "a shell", "the command"
	Reason string // the server's message, if any
}

func (e *RefusedError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("the host refused %s: %s", e.What, e.Reason)
	}
	return fmt.Sprintf("the host refused %s", e.What)
}

// JoinState is what a [JoinStatus] reports.
type JoinState uint8

const (
	// JoinBanner: the server sent a banner before authentication (Text).
	JoinBanner JoinState = iota
	// JoinNoTerminal: the server refused a terminal; the session goes on without one.
	JoinNoTerminal
	// JoinReconnecting: the connection dropped (Err says why, or why the last attempt
	// failed); attempt number Attempt follows in Delay.
	JoinReconnecting
	// JoinReconnected: a new connection is up and attached again.
	JoinReconnected
)

// JoinStatus is something that happened to a joined connection, for the user to see.
type JoinStatus struct {
	State   JoinState
	Text    string
	Attempt int
	Delay   time.Duration
	Err     error
}

// StatusFunc receives a joined connection's news; see [JoinConfig].Status.
type StatusFunc func(JoinStatus)

// String returns the status as one line for a terminal.
func (s JoinStatus) String() string {
	switch s.State {
	case JoinBanner:
		return strings.TrimRight(s.Text, "\r\n")
	case JoinNoTerminal:
		return "the host refused a terminal; going on without one"
	case JoinReconnecting:
		cause := ""
		if s.Err != nil && s.Err != errConnLost {
			cause = s.Err.Error()
		}
		switch {
		case s.Attempt > 1 && cause != "":
			return fmt.Sprintf("reconnecting: attempt %d in %s (last: %s)", s.Attempt, s.Delay.Round(time.Millisecond), cause)
		case s.Attempt > 1:
			return fmt.Sprintf("reconnecting: attempt %d in %s", s.Attempt, s.Delay.Round(time.Millisecond))
		case cause != "":
			return fmt.Sprintf("connection lost (%s); reconnecting", cause)
		}
		return "connection lost; reconnecting"
	case JoinReconnected:
		return "reconnected"
	}
	return fmt.Sprintf("JoinState(%d)", s.State)
}
