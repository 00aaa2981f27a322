package join

import (
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/sessions/wire"
)

// ErrHostClosed is how a joined session ends when the host closed it without an exit
// status (the reason, if any, was the session's last output).
var ErrHostClosed = errors.New("the host closed the session")

// errHostMoved is the cause of a drop when the host said its sessions move to another
// process (its window quit, and a background duet host serves them now, or back).
var errHostMoved = errors.New("the host moved the session to another process")

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

// AuthError says that the server did not let the user in: it accepted none of the keys
// offered, or asked for more (a password, a one-time code) and that was not given or not
// accepted. Error says which, plainly.
type AuthError struct {
	Addr    Address
	Offered []string // "SHA256:... (Duet key)", one per key offered
	// DuetKey is the user's Duet public key as an authorized_keys line ("" if it was not
	// offered): what the host has to approve, or to add to ~/.ssh/authorized_keys.
	DuetKey string
	// Methods are the ways the server offered to log in ("publickey", "password",
	// "keyboard-interactive"), as it said last.
	Methods []string
	// KeyAccepted: the server accepted a key, then asked for more (a second factor).
	KeyAccepted bool
	// Asked is what the server asked for, in words ("a password", or its question
	// quoted and escaped); "" if it asked nothing.
	Asked string
	// Answered: the user answered, and the server did not accept it.
	Answered bool
	// NotAsked: the server asked, and there was no way to ask the user (no terminal).
	NotAsked bool
	// Declined: the user was asked and gave no answer (cancelled).
	Declined bool
}

// KeysRefused reports whether the keys were the problem: the server takes keys and
// accepted none, and asked for nothing else the user could have answered.
func (e *AuthError) KeysRefused() bool {
	return !e.KeyAccepted && e.Asked == "" && (len(e.Methods) == 0 || slices.Contains(e.Methods, "publickey"))
}

func (e *AuthError) Error() string {
	switch {
	case e.Declined && e.KeyAccepted:
		return fmt.Sprintf("%s accepted your key, then asked for %s, and you gave none", e.Addr, e.Asked)
	case e.Declined:
		return fmt.Sprintf("%s asked for %s, and you gave none", e.Addr, e.Asked)
	case e.KeyAccepted && e.Asked != "" && e.Answered:
		return fmt.Sprintf("%s accepted your key, then asked for %s, and did not accept the answer", e.Addr, e.Asked)
	case e.KeyAccepted && e.Asked != "":
		return fmt.Sprintf("%s accepted your key, then asked for %s, which Duet could not ask you here (join from a terminal or the window)", e.Addr, e.Asked)
	case e.KeyAccepted:
		return fmt.Sprintf("%s accepted your key, then asked for more (%s), which Duet cannot do", e.Addr, strings.Join(e.Methods, ", "))
	case e.Asked != "" && e.Answered:
		return fmt.Sprintf("%s asked for %s, and did not accept the answer", e.Addr, e.Asked)
	case e.Asked != "":
		return fmt.Sprintf("%s asked for %s, which Duet could not ask you here (join from a terminal or the window)", e.Addr, e.Asked)
	case len(e.Methods) > 0 && !slices.Contains(e.Methods, "publickey"):
		return fmt.Sprintf("%s does not accept keys, and offers only %s", e.Addr, strings.Join(e.Methods, ", "))
	case len(e.Offered) == 0:
		return fmt.Sprintf("%s accepts only keys, and there was no key to offer", e.Addr)
	}
	return fmt.Sprintf("%s accepted none of your keys (offered %s)", e.Addr, strings.Join(e.Offered, ", "))
}

// HandshakeTimeoutError says that the server did not complete the SSH handshake in
// time: it never sent its version line, or stopped answering.
type HandshakeTimeoutError struct {
	Addr  string // host:port
	After time.Duration
}

func (e *HandshakeTimeoutError) Error() string {
	return fmt.Sprintf("%s did not complete the SSH handshake within %s (is it an SSH server?)", e.Addr, e.After)
}

// Timeout reports true: it is a net.Error-like timeout.
func (e *HandshakeTimeoutError) Timeout() bool { return true }

// RefusedError says that the server refused the session: the channel, the shell or the
// command.
type RefusedError struct {
	What   string // "the session", "a shell", "the command"
	Reason string // the server's message, if any
}

func (e *RefusedError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("the host refused %s: %s", e.What, safetext.Line(e.Reason, safetext.MaxLine))
	}
	return fmt.Sprintf("the host refused %s", e.What)
}

// State is what a [Status] reports.
type State uint8

const (
	// Banner: the server sent a banner before authentication (Text).
	Banner State = iota
	// NoTerminal: the server refused a terminal; the session goes on without one.
	NoTerminal
	// Reconnecting: the connection dropped (Err says why, or why the last attempt
	// failed); attempt number Attempt follows in Delay.
	Reconnecting
	// Reconnected: a new connection is up and attached again.
	Reconnected
	// HostSaid: a Duet host told us about our channel (Host): our key waits for its
	// approval, was approved or refused, we were kicked, the session ended.
	HostSaid
)

// Status is something that happened to a joined connection, for the user to see.
type Status struct {
	State   State
	Text    string
	Attempt int
	Delay   time.Duration
	// Sent and Discarded, for Reconnected: the bytes typed while reconnecting that were
	// sent on the new connection, and those beyond MaxHeldInput, dropped.
	Sent, Discarded int
	Err             error
	Host            wire.Status // for HostSaid
}

// StatusFunc receives a joined connection's news; see [Config].Status.
type StatusFunc func(Status)

// String returns the status as one line for a terminal (a banner may have several).
// What the server said (a banner, an error's text) is escaped and bounded
// (internal/safetext): it never acts on the terminal or widget it is shown in.
func (s Status) String() string {
	switch s.State {
	case Banner:
		return safetext.Text(s.Text, safetext.MaxText)
	case NoTerminal:
		return "the host refused a terminal; going on without one"
	case Reconnecting:
		cause := ""
		if s.Err != nil && s.Err != errConnLost {
			cause = safetext.Line(dropCause(s.Err), safetext.MaxLine)
		}
		switch {
		case s.Attempt > 1 && cause != "":
			return fmt.Sprintf("reconnecting: attempt %d in %s (last time %s)", s.Attempt, s.Delay.Round(time.Millisecond), cause)
		case s.Attempt > 1:
			return fmt.Sprintf("reconnecting: attempt %d in %s", s.Attempt, s.Delay.Round(time.Millisecond))
		case cause != "":
			return fmt.Sprintf("connection lost (%s); reconnecting (what you type is sent once back)", cause)
		}
		return "connection lost; reconnecting (what you type is sent once back)"
	case Reconnected:
		switch {
		case s.Discarded > 0:
			return fmt.Sprintf("reconnected; what you typed meanwhile was too much: %d bytes sent, %d discarded", s.Sent, s.Discarded)
		case s.Sent > 0:
			return fmt.Sprintf("reconnected; sent what you typed meanwhile (%d bytes)", s.Sent)
		}
		return "reconnected"
	case HostSaid:
		return s.Host.Message()
	}
	return fmt.Sprintf("State(%d)", s.State)
}

// dropCause says in a few words why a connection dropped or could not be made again,
// for the reconnecting notice: "the host refused the connection", not the dial's
// wrapped errors.
func dropCause(err error) string {
	var ne net.Error
	var de *net.DNSError
	var he *HandshakeTimeoutError
	switch {
	case isErrno(err, errRefused):
		return "the host refused the connection: is it still hosting?"
	case isErrno(err, errReset), errors.Is(err, io.EOF):
		return "the connection was cut"
	case isErrno(err, errUnreachable):
		return "the network is unreachable"
	case errors.As(err, &de):
		return "the host name " + de.Name + " was not found"
	case errors.As(err, &he):
		return "the host did not answer in time"
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	}
	// The innermost words, without the chain of "connect to X: dial tcp X:" before them.
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		msg = msg[i+2:]
	}
	return msg
}

// isErrno reports whether err is one of the system's error numbers in errs.
func isErrno(err error, errs []syscall.Errno) bool {
	for _, e := range errs {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
