//go:build !unix

package sessions

import "os"

// recordable reports whether what is typed may be recorded. A pseudo console does not
// say whether it echoes, so input is taken as typed at a password prompt: never recorded.
func recordable(*os.File) bool { return false }
