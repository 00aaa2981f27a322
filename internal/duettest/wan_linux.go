package duettest

import "syscall"

// segmentControl makes a WAN proxy's sockets use Ethernet-sized segments, as a real path
// does. On loopback a segment is up to 64 KiB, larger than the small receive buffer the
// bottleneck reads with, and Linux would then open the window only when the sender's
// persist timer probes it (every 200 ms), far below the link's rate.
var segmentControl = func(_, _ string, c syscall.RawConn) error {
	var serr error
	err := c.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_MAXSEG, segment)
	})
	if err != nil {
		return err
	}
	return serr
}
