//go:build !linux

package duettest

import "syscall"

// segmentControl leaves the sockets alone: the receive buffer stays large enough for the
// loopback's segments (see the Linux version).
var segmentControl func(network, address string, c syscall.RawConn) error
