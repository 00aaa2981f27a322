package keys

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// writeTemp writes data to a new temporary file next to path, with mode perm, and syncs
// it. The caller removes the file.
func writeTemp(path string, data []byte, perm fs.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// writeAtomic replaces path with data: readers see the old file or the new one, never
// a part of either.
func writeAtomic(path string, data []byte, perm fs.FileMode) error {
	tmp, err := writeTemp(path, data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// createExclusive creates path with data unless it exists, in which case it returns an
// error matching fs.ErrExist and leaves the file alone. Readers never see a part of the
// file: it is written under a temporary name, then given the name path (hard-linked on
// Unix, renamed without replacing on Windows: see publishNew), which fails if path
// exists. Where that is not supported it falls back to O_EXCL.
func createExclusive(path string, data []byte, perm fs.FileMode) error {
	tmp, err := writeTemp(path, data, perm)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	lerr := publishNew(tmp, path)
	if lerr == nil {
		syncDir(filepath.Dir(path))
		return nil
	}
	if errors.Is(lerr, fs.ErrExist) {
		return lerr
	}
	// No hard links here (some file systems); O_EXCL still never overwrites.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("%w (link: %v)", err, lerr)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a new name in dir durable where the OS supports it; elsewhere (Windows)
// opening or syncing a directory fails, which is harmless.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
