//go:build !windows

package join

import "syscall"

// The system's error numbers for a refused, a cut and an unreachable connection.
var (
	errRefused     = []syscall.Errno{syscall.ECONNREFUSED}
	errReset       = []syscall.Errno{syscall.ECONNRESET, syscall.ECONNABORTED}
	errUnreachable = []syscall.Errno{syscall.ENETUNREACH, syscall.EHOSTUNREACH}
)
