package keys

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// racyWindow is how long after a change a file's size and modification time are not
// trusted to reveal the next change: file systems store times as coarsely as 2 s.
const racyWindow = 3 * time.Second

// Approved is the approved_keys file: the partners' keys the host lets in, with their
// roles. Every method first re-reads the file if it changed on disk, so edits by hand or
// by another process (duet approve) apply to the next decision. Safe for concurrent use,
// also by several processes: writers take turns on a lock file next to it
// (.approved_keys.lock), so no change is lost, and the file is never half written.
type Approved struct {
	path string

	mu     sync.Mutex    // guards the fields below
	file   *approvedFile // as last read; nil until read
	stat   fs.FileInfo   // of the file when read; nil if it did not exist
	readAt time.Time     // when file was read
	err    error         // reading the file failed (the file then approves no key)
	raw    []byte        // the content as last read
	ver    uint64        // counts the changes of raw (and of err)
}

// NewApproved returns the approved keys kept in the file path, which need not exist.
// Prefer [Store.Approved], which shares one value per config dir.
func NewApproved(path string) *Approved {
	return &Approved{path: path}
}

// Path returns the path of the approved_keys file.
func (a *Approved) Path() string { return a.path }

// Lookup returns the role and comment of pub if it is approved. If the file cannot be
// read, no key is approved (see [Approved.Problems]).
func (a *Approved) Lookup(pub ssh.PublicKey) (role Role, comment string, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.refresh() != nil {
		return RoleDefault, "", false
	}
	e, ok := a.file.lookup(pub)
	return e.Role, e.Comment, ok
}

// Find returns pub's entry (its first line), with its options (see Entry.Permits).
func (a *Approved) Find(pub ssh.PublicKey) (Entry, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.refresh() != nil {
		return Entry{}, false
	}
	return a.file.lookup(pub)
}

// List returns the approved keys in file order.
func (a *Approved) List() ([]Entry, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.refresh(); err != nil {
		return nil, err
	}
	return a.file.entries(), nil
}

// Version returns a number that changes whenever the file's content changes (an edit
// by hand, another process, Add or Remove): a host compares it to apply changes to the
// partners already connected.
func (a *Approved) Version() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refresh()
	return a.ver
}

// Problems returns what is wrong with the file: an error reading it, or one *LineError
// ("approved_keys:3: not a public key") per line that is skipped. Skipped lines approve
// nothing.
func (a *Approved) Problems() []error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.refresh(); err != nil {
		return []error{err}
	}
	return a.file.problems(a.path)
}

// Add approves pub with role; if pub is approved already, its role (and comment, unless
// comment is empty) is replaced. The file is created if missing, rewritten atomically,
// and keeps its other lines as they are.
func (a *Approved) Add(pub ssh.PublicKey, role Role, comment string) error {
	if role > RoleView {
		return fmt.Errorf("approve key: invalid role %v", role)
	}
	err := a.update(func(f *approvedFile) bool { return f.add(pub, role, comment) })
	if err != nil {
		return fmt.Errorf("approve key %s: %w", Fingerprint(pub), err)
	}
	return nil
}

// Remove revokes the key with the fingerprint fp ("SHA256:..."), removing every line of
// it, and reports whether it was approved.
func (a *Approved) Remove(fp string) (bool, error) {
	fp = strings.TrimSpace(fp)
	if !strings.HasPrefix(fp, "SHA256:") {
		fp = "SHA256:" + fp
	}
	removed := false
	err := a.update(func(f *approvedFile) bool {
		removed = f.remove(fp)
		return removed
	})
	if err != nil {
		return false, fmt.Errorf("revoke key %s: %w", fp, err)
	}
	return removed, nil
}

// refresh re-reads the file unless it is unchanged since it was read. a.mu is held.
func (a *Approved) refresh() error {
	now := time.Now()
	fi, err := os.Stat(a.path)
	if errors.Is(err, fs.ErrNotExist) {
		a.set(&approvedFile{}, nil, nil, nil, now)
		return nil
	}
	if err == nil {
		// A file someone else could write approves nobody (sshd's StrictModes).
		err = checkPath(a.path, publicFile)
	}
	if err == nil && a.file != nil && a.err == nil && a.unchanged(fi) {
		return nil
	}
	var data []byte
	if err == nil {
		data, err = os.ReadFile(a.path)
	}
	if err != nil {
		// Fail closed: a file we cannot read approves nobody.
		err = fmt.Errorf("read approved keys: %w", err)
		a.set(&approvedFile{}, nil, nil, err, now)
		return err
	}
	a.set(parseApproved(data), data, fi, nil, now)
	return nil
}

// set records what was read, and counts a change of content. a.mu is held.
func (a *Approved) set(f *approvedFile, data []byte, fi fs.FileInfo, err error, now time.Time) {
	if !bytes.Equal(data, a.raw) || (err == nil) != (a.err == nil) {
		a.ver++
	}
	a.file, a.raw, a.stat, a.err, a.readAt = f, data, fi, err, now
}

// unchanged reports whether fi describes the file as it was read, reliably.
func (a *Approved) unchanged(fi fs.FileInfo) bool {
	old := a.stat
	return old != nil && os.SameFile(old, fi) && old.Size() == fi.Size() &&
		old.ModTime().Equal(fi.ModTime()) && a.readAt.Sub(fi.ModTime()) > racyWindow
}

// update applies change to the file and writes it back if it changed, holding the lock
// file that writers in other processes take too. To not lose the change of a writer
// that does not lock (an editor), it starts over if the file changed while it was
// working.
func (a *Approved) update(change func(*approvedFile) bool) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.file = nil // whatever happens, read the file again next time
	if err := checkPath(a.path, publicFile); err != nil {
		return err
	}
	// Other processes writing the file (the window, duet approve, duet revoke) take
	// turns on the lock file, so none loses another's change.
	lock, err := lockFile(filepath.Join(filepath.Dir(a.path), "."+filepath.Base(a.path)+".lock"))
	if err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	defer lock.Close()
	for range 10 {
		data, err := os.ReadFile(a.path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		f := parseApproved(data)
		if !change(f) {
			return nil
		}
		out := f.bytes()
		if len(data) == 0 {
			out = append([]byte(approvedHeader), out...)
		}
		now, err := os.ReadFile(a.path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if !bytes.Equal(now, data) {
			continue
		}
		return writeAtomic(a.path, out, 0o600)
	}
	return errors.New("file keeps changing")
}
