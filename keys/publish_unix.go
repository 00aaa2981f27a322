//go:build !windows

package keys

import "os"

// publishNew gives the file tmp the name path too, unless path exists (fs.ErrExist);
// the caller removes tmp.
func publishNew(tmp, path string) error { return os.Link(tmp, path) }

// readKeyFile reads a key file that another process may be creating.
func readKeyFile(path string) ([]byte, error) { return os.ReadFile(path) }
