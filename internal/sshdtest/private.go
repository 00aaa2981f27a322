package sshdtest

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
)

// Private returns a command that runs argv in a mount namespace of its own (unshare -m),
// where, for the current user (root), home (if not "") is the home directory and
// password (if not "") the password in /etc/shadow. Nothing changes outside: the mounts
// vanish with the process. It skips the test where that cannot be done (not root, no
// unshare, no openssl to hash the password).
func Private(tb testing.TB, dir, home, password string, argv ...string) *exec.Cmd {
	tb.Helper()
	u, err := user.Current()
	if err != nil {
		tb.Fatal(err)
	}
	if u.Uid != "0" {
		tb.Skip("a private mount namespace needs root")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		tb.Skip("unshare (util-linux) is not installed")
	}
	script := ""
	if home != "" {
		script += `mount --bind "$DUET_HOME" "$DUET_USER_HOME" && `
	}
	env := append(os.Environ(), "DUET_HOME="+home, "DUET_USER_HOME="+u.HomeDir)
	if password != "" {
		shadow := filepath.Join(dir, "shadow")
		if err := os.WriteFile(shadow, []byte(shadowFile(tb, u.Username, password)), 0o600); err != nil {
			tb.Fatal(err)
		}
		script += `mount --bind "$DUET_SHADOW" /etc/shadow && `
		env = append(env, "DUET_SHADOW="+shadow)
	}
	cmd := exec.Command(unshare, append([]string{"-m", "--propagation", "private", "sh", "-c", script + `exec "$@"`, "sh"}, argv...)...)
	cmd.Env = env
	return cmd
}

// shadowFile returns /etc/shadow with name's password set to password.
func shadowFile(tb testing.TB, name, password string) string {
	tb.Helper()
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		tb.Skip("openssl is not installed (it hashes the test password)")
	}
	cmd := exec.Command(openssl, "passwd", "-6", "-stdin")
	cmd.Stdin = strings.NewReader(password + "\n")
	hash, err := cmd.Output()
	if err != nil {
		tb.Fatalf("openssl passwd: %v", err)
	}
	old, err := os.ReadFile("/etc/shadow")
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimRight(string(old), "\n"), "\n") {
		f := strings.Split(line, ":")
		if len(f) > 2 && f[0] == name {
			f[1] = strings.TrimSpace(string(hash))
			f[2] = "19000"
			line = strings.Join(f, ":")
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n") + "\n"
}
