package keys

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// publishNew renames tmp to path unless path exists (fs.ErrExist). A hard link would do
// too, but Windows cannot remove the temporary name while another process has the key
// open, which readers of a new key do.
func publishNew(tmp, path string) error {
	from, err := windows.UTF16PtrFromString(tmp)
	if err != nil {
		return err
	}
	to, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return err
	}
	// Without MOVEFILE_REPLACE_EXISTING the move fails if path exists.
	err = windows.MoveFileEx(from, to, windows.MOVEFILE_WRITE_THROUGH)
	if errors.Is(err, windows.ERROR_ALREADY_EXISTS) || errors.Is(err, windows.ERROR_FILE_EXISTS) {
		return &os.LinkError{Op: "rename", Old: tmp, New: path, Err: fs.ErrExist}
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: tmp, New: path, Err: err}
	}
	return nil
}

// readKeyFile reads a key file that another process may be creating: while a new key is
// renamed into place, opening it fails with a sharing violation for a moment, so that is
// tried again for up to a second.
func readKeyFile(path string) ([]byte, error) {
	deadline := time.Now().Add(time.Second)
	for {
		data, err := os.ReadFile(path)
		if !errors.Is(err, windows.ERROR_SHARING_VIOLATION) || time.Now().After(deadline) {
			return data, err
		}
		time.Sleep(10 * time.Millisecond)
	}
}
