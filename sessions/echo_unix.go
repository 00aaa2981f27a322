//go:build unix

package sessions

import (
	"os"

	"golang.org/x/sys/unix"
)

// termiosRecordable reads f's terminal settings with the ioctl req: input is recordable
// unless the terminal is in line mode (ICANON) with echo off, as at a password prompt;
// not if they cannot be read (never record what might be a password).
func termiosRecordable(f *os.File, req uint) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	on := false
	rc.Control(func(fd uintptr) {
		t, err := unix.IoctlGetTermios(int(fd), req)
		on = err == nil && (t.Lflag&unix.ECHO != 0 || t.Lflag&unix.ICANON == 0)
	})
	return on
}
