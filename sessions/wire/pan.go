package wire

import (
	"encoding/binary"
	"errors"
)

// PanRequest is the type of the channel request in which a Duet partner whose terminal
// is smaller than the session (the host's size policy: it sees a part of the session
// that follows the cursor) moves that part by hand, or makes it follow the cursor again.
// It is sent without asking for a reply; a host that has no view for the partner
// ignores it.
const PanRequest = "duet-pan@duetpair.github.io"

// MaxPan bounds a move, each way: more than any session is wide or tall.
const MaxPan = 1000

// Pan is the payload of a PanRequest: move the view DX columns right and DY rows down
// (negative: left, up), or, with Follow, let it follow the cursor again.
type Pan struct {
	DX, DY int
	Follow bool
}

// Marshal returns the request's payload.
func (p Pan) Marshal() []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(int32(clampPan(p.DX))))
	b = binary.BigEndian.AppendUint32(b, uint32(int32(clampPan(p.DY))))
	if p.Follow {
		return append(b, 1)
	}
	return append(b, 0)
}

// ParsePan reads a PanRequest's payload; moves beyond MaxPan are cut to it.
func ParsePan(b []byte) (Pan, error) {
	if len(b) != 9 || b[8] > 1 {
		return Pan{}, errors.New("pan: malformed payload")
	}
	return Pan{
		DX:     clampPan(int(int32(binary.BigEndian.Uint32(b)))),
		DY:     clampPan(int(int32(binary.BigEndian.Uint32(b[4:])))),
		Follow: b[8] == 1,
	}, nil
}

func clampPan(n int) int { return min(max(n, -MaxPan), MaxPan) }
