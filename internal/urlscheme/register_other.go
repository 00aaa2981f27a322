//go:build !windows

package urlscheme

// Register does nothing here: the installed package registers duet:// links (see the
// package comment). It returns ErrUnsupported.
func Register(exe string) (changed bool, err error) { return false, ErrUnsupported }

// Registered returns "" here: the desktop's own database (xdg-mime, Launch Services)
// knows the handler.
func Registered() (string, error) { return "", ErrUnsupported }
