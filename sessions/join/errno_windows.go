package join

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// The system's error numbers for a refused, a cut and an unreachable connection
// (Winsock's; syscall's Unix names do not match them on Windows).
var (
	errRefused     = []syscall.Errno{windows.WSAECONNREFUSED}
	errReset       = []syscall.Errno{windows.WSAECONNRESET, windows.WSAECONNABORTED}
	errUnreachable = []syscall.Errno{windows.WSAENETUNREACH, windows.WSAEHOSTUNREACH}
)
