//go:build !windows

package duettest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Tmux is a tmux server of the test's own, with one window running a command: a
// partner's terminal as people use them (OpenSSH inside tmux), whose screen and
// scrollback tmux itself tells (capture-pane).
type Tmux struct {
	path, socket string
}

// RunInTmux starts command (a program and its arguments) in a cols x rows tmux window
// with 20000 lines of history and no status line, and kills the tmux server when the
// test ends. It skips the test without tmux.
func RunInTmux(tb testing.TB, cols, rows int, command ...string) *Tmux {
	tb.Helper()
	path, err := exec.LookPath("tmux")
	if err != nil {
		tb.Skip("tmux is not installed (make deps-test installs it)")
	}
	dir := TempDir(tb)
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g history-limit 20000\nset -g status off\nset -g remain-on-exit on\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	t := &Tmux{path: path, socket: filepath.Join(dir, "tmux.sock")}
	quoted := make([]string, len(command))
	for i, a := range command {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	cmd := exec.Command(path, "-S", t.socket, "-f", conf, "new-session", "-d", "-s", "pair",
		"-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), strings.Join(quoted, " "))
	cmd.Env = append(os.Environ(), "TMUX=")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("tmux: %v: %s", err, out)
	}
	tb.Cleanup(func() { exec.Command(path, "-S", t.socket, "kill-server").Run() })
	return t
}

// run runs a tmux command against the test's server and returns its output.
func (t *Tmux) run(tb testing.TB, args ...string) string {
	tb.Helper()
	cmd := exec.Command(t.path, append([]string{"-S", t.socket}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("tmux %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// Screen returns what the window shows, one line per row, trailing blanks trimmed.
func (t *Tmux) Screen(tb testing.TB) []string {
	tb.Helper()
	return captureLines(t.run(tb, "capture-pane", "-p", "-t", "pair"))
}

// Lines returns the window's history and screen (capture-pane -S -), as Lines does for
// a vt.Screen: oldest first, the empty rows at the bottom left out.
func (t *Tmux) Lines(tb testing.TB) []string {
	tb.Helper()
	return captureLines(t.run(tb, "capture-pane", "-p", "-S", "-", "-t", "pair"))
}

// Type sends keys to the window's program, as typed (tmux's send-keys -l).
func (t *Tmux) Type(tb testing.TB, keys string) {
	tb.Helper()
	t.run(tb, "send-keys", "-t", "pair", "-l", keys)
}

// Resize makes the window cols x rows.
func (t *Tmux) Resize(tb testing.TB, cols, rows int) {
	tb.Helper()
	t.run(tb, "resize-window", "-t", "pair", "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows))
}

func captureLines(out string) []string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// WaitScreen waits until ok accepts the window's screen (see Screen), and returns it; it
// fails the test with the screen after Timeout.
func (t *Tmux) WaitScreen(tb testing.TB, what string, ok func(lines []string) bool) []string {
	tb.Helper()
	var lines []string
	if !PollWithin(Timeout, func() bool { lines = t.Screen(tb); return ok(lines) }) {
		tb.Fatalf("timed out waiting for %s; the terminal shows:\n%s", what, strings.Join(lines, "\n"))
	}
	return lines
}
