//go:build linux || solaris || illumos || aix

package sessions

import (
	"os"

	"golang.org/x/sys/unix"
)

// recordable reports whether what is typed may be recorded: the terminal echoes it, or
// the program reads keys itself (raw mode). The master side of a pseudo-terminal reads the
// settings the program set.
func recordable(f *os.File) bool {
	return termiosRecordable(f, unix.TCGETS)
}
