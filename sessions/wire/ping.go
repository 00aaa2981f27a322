package wire

import (
	"encoding/binary"
	"errors"
)

// PingRequest is the type of the channel request a host sends after output, asking for
// a reply: a partner's SSH client answers it once it has read everything sent before it,
// which tells the host how far the partner has got and the round trip (OpenSSH and every
// other client answer a request they do not know with a failure, which says as much). A
// Duet partner answers once the output before it is consumed by its terminal, not only
// received, so its own buffering counts too.
const PingRequest = "duet-ping@duetpair.github.io"

// Ping is the payload of a PingRequest: the bytes of output the host had sent on the
// channel (its standard output, not its standard error) when it sent the ping.
type Ping struct {
	Sent uint64
}

// Marshal returns the request's payload.
func (p Ping) Marshal() []byte {
	return binary.BigEndian.AppendUint64(nil, p.Sent)
}

// ParsePing reads a PingRequest's payload.
func ParsePing(b []byte) (Ping, error) {
	if len(b) != 8 {
		return Ping{}, errors.New("ping: payload is not 8 bytes")
	}
	return Ping{Sent: binary.BigEndian.Uint64(b)}, nil
}
