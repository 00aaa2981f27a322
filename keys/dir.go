package keys

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// File names inside the config dir.
const (
	IdentityFile   = "id_ed25519"
	HostKeyFile    = "host_ed25519"
	ApprovedFile   = "approved_keys"
	KnownHostsFile = "known_hosts"
)

// EnvConfigDir names the environment variable that overrides the default config dir.
const EnvConfigDir = "DUET_CONFIG_DIR"

// Dir returns Duet's config dir, as an absolute path, creating it (mode 0700) if missing.
// It is override if not empty (the --config-dir flag), else $DUET_CONFIG_DIR, else the
// OS user config dir + "/duet". The default dir is also made private (0700) if it is not;
// a dir given by the user keeps the mode it has. Like sshd's StrictModes, a dir that
// another user could change (writable by others, theirs, a symbolic link they made, or
// in a parent they could replace it from) is refused with an error matching
// ErrUnsafeFile that says how to fix it.
func Dir(override string) (string, error) {
	dir, isDefault := override, false
	if dir == "" {
		dir = os.Getenv(EnvConfigDir)
	}
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("config dir: %w", err)
		}
		dir, isDefault = filepath.Join(base, "duet"), true
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("config dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create config dir: %w", err)
	}
	if isDefault && runtime.GOOS != "windows" {
		fi, err := os.Stat(dir)
		if err != nil {
			return "", fmt.Errorf("config dir: %w", err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(dir, 0o700); err != nil {
				return "", fmt.Errorf("config dir: %w", err)
			}
		}
	}
	if err := checkPath(dir, configDir); err != nil {
		return "", fmt.Errorf("config dir: %w", err)
	}
	return dir, nil
}

// Store gives access to the keys and key files in one config dir. Its methods are safe
// for concurrent use, also by several processes sharing the dir.
type Store struct {
	dir string

	once     sync.Once // creates approved and known
	approved *Approved
	known    *KnownHosts
}

// NewStore returns a Store for the config dir dir, which must exist (see [Dir]).
func NewStore(dir string) *Store {
	return &Store{dir: dir}
}

// Open returns a Store for the config dir chosen by [Dir](override).
func Open(override string) (*Store, error) {
	dir, err := Dir(override)
	if err != nil {
		return nil, err
	}
	return NewStore(dir), nil
}

// Dir returns the config dir of the store.
func (s *Store) Dir() string { return s.dir }

// Path returns the path of the file name (such as [ApprovedFile]) in the config dir.
func (s *Store) Path(name string) string { return filepath.Join(s.dir, name) }

// Approved returns the approved keys of this config dir. Every call returns the same
// value.
func (s *Store) Approved() *Approved {
	s.init()
	return s.approved
}

// KnownHosts returns the known hosts of this config dir. Every call returns the same
// value.
func (s *Store) KnownHosts() *KnownHosts {
	s.init()
	return s.known
}

func (s *Store) init() {
	s.once.Do(func() {
		s.approved = NewApproved(s.Path(ApprovedFile))
		s.known = NewKnownHosts(s.Path(KnownHostsFile))
	})
}
