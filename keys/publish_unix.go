//go:build !windows

package keys

import "os"

// publishNew gives the file tmp the name path too, unless path exists (fs.ErrExist);
// the caller removes tmp.
func publishNew(tmp, path string) error { return os.Link(tmp, path) }
