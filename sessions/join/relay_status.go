package join

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/duetpair/duet/internal/safetext"
	"github.com/duetpair/duet/sessions/wire"
)

// RelayState is what a [RelayStatus] reports.
type RelayState uint8

const (
	// RelayConnecting: logging in to the relay and asking for the forward (Attempt).
	RelayConnecting RelayState = iota
	// RelayListening: the forward is up; partners join at Host:Port (see Public).
	RelayListening
	// RelayRetrying: the link dropped or an attempt failed (Err says why); attempt
	// number Attempt follows in Delay.
	RelayRetrying
	// RelayStopped: Close was called (Err is nil), or the relay gave up (Err says why:
	// its key changed, or Start failed).
	RelayStopped
)

// RelayStatus is the state of a [Relay], for the user to see.
type RelayStatus struct {
	State  RelayState
	Server string // the relay logged in to, "host:port"

	// Where partners connect, once RelayListening. Public says the port is reachable at
	// the relay's address (Host is the relay's host name); otherwise the relay's sshd
	// listens on its loopback only (GatewayPorts no), Host is "localhost", and partners
	// who can log in to the relay reach it through Jump, the relay ("host" or
	// "host:port"), as with ssh -J.
	Host   string
	Port   int
	Public bool
	Jump   string

	Attempt int
	Delay   time.Duration
	Err     error
}

// RelayStatusFunc receives a relay's news; see [Relay].Status.
type RelayStatusFunc func(RelayStatus)

// Addr returns "host:port", where partners connect (through Jump if it is set).
func (s RelayStatus) Addr() string {
	if s.Port == 0 {
		return ""
	}
	return net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

// String returns the status as one line for a terminal: "relay listening on HOST:PORT",
// and so on.
func (s RelayStatus) String() string {
	switch s.State {
	case RelayConnecting:
		if s.Attempt > 1 {
			return fmt.Sprintf("relay: connecting to %s (attempt %d)", s.Server, s.Attempt)
		}
		return "relay: connecting to " + s.Server
	case RelayListening:
		if s.Public {
			return "relay listening on " + s.Addr()
		}
		return fmt.Sprintf("relay listening on %s of %s (its loopback only: its sshd has GatewayPorts no, so partners need a login there)",
			s.Addr(), s.Jump)
	case RelayRetrying:
		cause := ""
		if s.Err != nil && s.Err != errConnLost {
			cause = " (" + safetext.Line(s.Err.Error(), safetext.MaxLine) + ")"
		}
		if s.Attempt > 1 {
			return fmt.Sprintf("relay: attempt %d failed%s; trying again in %s", s.Attempt-1, cause, s.Delay.Round(time.Millisecond))
		}
		return fmt.Sprintf("relay: connection lost%s; reconnecting in %s", cause, s.Delay.Round(time.Millisecond))
	case RelayStopped:
		if s.Err != nil {
			return "relay stopped: " + safetext.Line(s.Err.Error(), safetext.MaxLine)
		}
		return "relay stopped"
	}
	return fmt.Sprintf("RelayState(%d)", s.State)
}

// SSHCommand returns the OpenSSH command line that joins the session name through the
// relay ("ssh -p PORT NAME@RELAY", or with -J through a relay listening on its loopback
// only); "" unless listening.
func (s RelayStatus) SSHCommand(name string) string {
	if s.State != RelayListening {
		return ""
	}
	if name == "" {
		name = wire.DefaultSession
	}
	if s.Jump != "" {
		return fmt.Sprintf("ssh -J %s -p %d %s@%s", s.Jump, s.Port, name, s.Host)
	}
	return fmt.Sprintf("ssh -p %d %s@%s", s.Port, name, s.Host)
}

// Invite returns the invite to the session name through the relay, pinning the Duet
// host's key (fingerprint) rather than the relay's: partners check the host. A relay
// listening on its loopback only is named in the invite as the jump; "" unless listening.
func (s RelayStatus) Invite(name, fingerprint string) string {
	if s.State != RelayListening {
		return ""
	}
	inv := Invite(name, s.Host, s.Port, fingerprint)
	if s.Jump == "" {
		return inv
	}
	a, err := ParseAddress(inv)
	if err != nil {
		return ""
	}
	a.Jump = s.Jump
	return a.String()
}
