//go:build unix

package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/duetpair/duet/keys"
)

// Attack: another user plants or loosens Duet's files: a config dir or key file they can
// write, a private key they can read, a symbolic link of theirs. Duet refuses each, as
// sshd's StrictModes does, in one line that says how to fix it.
func TestUnsafeFilesRefused(t *testing.T) {
	ready := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "cfg")
		if code, _, stderr := runCLI(t, "", "keygen", "--config-dir", dir); code != 0 {
			t.Fatal(stderr)
		}
		if _, err := keys.NewStore(dir).LoadOrCreateHostKey(); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the path the error names
		args  func(dir, path string) []string       // nil: duet keygen --config-dir path
		fix   string
	}{
		{
			name:  "config dir writable by others",
			setup: func(t *testing.T, dir string) string { chmod(t, dir, 0o777); return dir },
			args:  func(dir, _ string) []string { return []string{"keygen", "--config-dir", dir} },
			fix:   "chmod go-w",
		},
		{
			name: "config dir in a dir others can write",
			setup: func(t *testing.T, dir string) string {
				chmod(t, filepath.Dir(dir), 0o777)
				return filepath.Dir(dir)
			},
			args: func(dir, _ string) []string { return []string{"keygen", "--config-dir", dir} },
			fix:  "chmod go-w",
		},
		{
			name: "host key readable by others",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, keys.HostKeyFile)
				chmod(t, p, 0o644)
				return p
			},
			args: func(dir, _ string) []string { return []string{"host", "--config-dir", dir, "--listen", "127.0.0.1:0"} },
			fix:  "chmod 600",
		},
		{
			name: "identity writable by others",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, keys.IdentityFile)
				chmod(t, p, 0o622)
				return p
			},
			args: func(dir, _ string) []string { return []string{"keygen", "--config-dir", dir} },
			fix:  "chmod 600",
		},
		{
			name: "join --identity readable by others",
			setup: func(t *testing.T, dir string) string {
				p, _ := newKeyFile(t)
				chmod(t, p, 0o644)
				return p
			},
			args: func(dir, path string) []string {
				return []string{"join", "--config-dir", dir, "--identity", path, "127.0.0.1:1"}
			},
			fix: "chmod 600",
		},
		{
			name: "config dir a symbolic link of another user",
			setup: func(t *testing.T, dir string) string {
				link := filepath.Join(t.TempDir(), "planted")
				if err := os.Symlink(dir, link); err != nil {
					t.Fatal(err)
				}
				if err := os.Lchown(link, 4242, 4242); err != nil {
					if errors.Is(err, syscall.EPERM) {
						t.Skip("changing a file's owner needs root")
					}
					t.Fatal(err)
				}
				return link
			},
			fix: "rm ",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := ready(t)
			path := tc.setup(t, dir)
			args := []string{"keygen", "--config-dir", path}
			if tc.args != nil {
				args = tc.args(dir, path)
			}
			code, stderr := duetProcess(t, "", args...)
			if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, path) || !strings.Contains(stderr, tc.fix) {
				t.Fatalf("duet %s: exit %d, stderr %q; want one line naming %s and %q", args[0], code, stderr, path, tc.fix)
			}
		})
	}
}

// An approved_keys file others can write approves nobody: duet host says so, and a key
// in it is not let in.
func TestApprovedKeysWritableByOthersApprovesNobody(t *testing.T) {
	dir := t.TempDir()
	key, pub := newKeyFile(t)
	if code, _, stderr := runCLI(t, pub, "approve", "--config-dir", dir, "-"); code != 0 {
		t.Fatal(stderr)
	}
	chmod(t, filepath.Join(dir, keys.ApprovedFile), 0o666)
	h := startHost(t, dir, "--approve", "deny", "--command", "/bin/sh")
	if code, _, stderr := runSSH(t, h.addr, key, "main", "ls"); code != 1 || !strings.Contains(stderr, "denied") {
		t.Fatalf("a key in a world-writable approved_keys: exit %d, %q", code, stderr)
	}
	h.stop(t)
	if !strings.Contains(h.stderr.String(), "can be written by other users; fix it with: chmod go-w") {
		t.Errorf("duet host did not warn: %q", h.stderr.String())
	}
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(path, 0o700) })
}
