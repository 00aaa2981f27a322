package vt

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The differential tests feed one byte stream to a tmux pane and to a Screen of the same
// size and compare what each shows. tmux is the oracle: a real terminal that full-screen
// programs are tested against every day.
//
// How a stream reaches tmux byte for byte: the pane runs tmuxFeedScript, which puts its
// terminal in raw mode (no output processing), cats the stream, then asks for the cursor
// position (CPR). tmux answers only once it has parsed everything before the question, so
// when the script has read the answer it signals a wait-for channel, and the test, waiting
// on that channel with a deadline, knows the pane is complete.

// tmuxFeedScript is run by bash in the pane: $1 the stream, $2 how many cursor position
// reports the stream itself asks for (their answers are read first), $3 the server's socket
// name, $4 the channel to signal when done. For each further part, $1.2, $1.3 and so on, it
// first signals $4rN, waits for $4RN (the test resizes the pane meanwhile) and feeds that.
// Then, if the test signals $4p, it feeds $1.probe the same way and signals $4q.
const tmuxFeedScript = `stty raw -echo
tmux -L "$3" wait-for go
cat "$1"
printf '\033[6n'
n=$2
while [ "$n" -ge 0 ]; do IFS= read -r -d R _; n=$((n-1)); done
i=2
while [ -e "$1.$i" ]; do
  tmux -L "$3" wait-for -S "$4r$i"
  tmux -L "$3" wait-for "$4R$i"
  cat "$1.$i"
  printf '\033[6n'
  IFS= read -r -d R _
  i=$((i+1))
done
tmux -L "$3" wait-for -S "$4"
tmux -L "$3" wait-for "$4p"
cat "$1.probe"
printf '\033[6n'
IFS= read -r -d R _
tmux -L "$3" wait-for -S "$4q"
exec cat >/dev/null
`

// tmuxTimeout bounds every tmux command a test runs.
const tmuxTimeout = 20 * time.Second

var tmuxServers atomic.Int64

// tmuxServer is a private tmux server (its own socket, no configuration file) that lives
// as long as one test.
type tmuxServer struct {
	t    testing.TB
	sock string
	dir  string
}

// newTmuxServer returns a private tmux server for t, killed when t ends. It skips t when
// tmux is not installed.
func newTmuxServer(t testing.TB) *tmuxServer {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the differential tests need it as the oracle (make test installs it)")
	}
	s := &tmuxServer{
		t:    t,
		sock: fmt.Sprintf("duetvt-%d-%d", os.Getpid(), tmuxServers.Add(1)),
		dir:  t.TempDir(),
	}
	t.Cleanup(func() {
		// The server may never have started; only a failure to run tmux matters.
		out, err := s.command("kill-server").CombinedOutput()
		if err != nil && !bytes.Contains(out, []byte("no server")) && !bytes.Contains(out, []byte("error connecting")) {
			t.Logf("tmux kill-server: %v: %s", err, out)
		}
		// The server leaves its socket behind.
		dir := os.Getenv("TMUX_TMPDIR")
		if dir == "" {
			dir = "/tmp"
		}
		os.Remove(filepath.Join(dir, fmt.Sprintf("tmux-%d", os.Getuid()), s.sock))
	})
	return s
}

// command returns a tmux client command for this server, with a deadline.
func (s *tmuxServer) command(args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), tmuxTimeout)
	s.t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, "tmux", append([]string{"-L", s.sock, "-f", "/dev/null"}, args...)...)
	cmd.Env = tmuxEnv()
	return cmd
}

// tmuxEnv is the environment for tmux: a UTF-8 locale (tmux measures characters with the
// C library's wcwidth), a known shell, and no outer tmux.
func tmuxEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "TMUX", "TMUX_PANE", "LC_ALL", "LC_CTYPE", "LANG", "SHELL", "TERM":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C.UTF-8", "SHELL=/bin/sh", "TERM=xterm-256color")
}

func (s *tmuxServer) run(args ...string) string {
	s.t.Helper()
	out, err := s.command(args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		s.t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// tmuxState is what tmux shows after a stream: the visible screen and the pane's state.
type tmuxState struct {
	// screen holds the pane's cells, parsed back from capture-pane -e into a fresh Screen.
	screen *Screen
	// styleUnknown[y] says the last cell of row y is known only as blank: see probeRows.
	styleUnknown []bool
	// wrapped[y] says tmux marks row y as continued on the next by autowrap.
	wrapped []bool
	// history is the text of the scrollback, oldest first.
	history []string
	// vars are the pane's format variables (tmuxVars) by name.
	vars  map[string]string
	title string
}

// tmuxVars are the pane format variables compared with the Screen's state.
var tmuxVars = []string{
	"cursor_x", "cursor_y", "cursor_flag", "alternate_on", "insert_flag", "keypad_cursor_flag",
	"keypad_flag", "wrap_flag", "origin_flag", "mouse_standard_flag", "mouse_button_flag",
	"mouse_all_flag", "mouse_any_flag", "mouse_utf8_flag", "mouse_sgr_flag",
	"scroll_region_upper", "scroll_region_lower", "pane_tabs", "pane_width", "pane_height",
}

// feed starts a pane of cols x rows, writes stream to it and returns what tmux shows once
// it has parsed all of it.
func (s *tmuxServer) feed(cols, rows int, stream []byte) tmuxState {
	s.t.Helper()
	return s.feedResized(cols, rows, stream)
}

// paneResize is a resize of the pane part-way through a stream: to cols x rows, then more
// output.
type paneResize struct {
	cols, rows int
	then       []byte
}

// feedResized is feed with the pane resized after stream, once for each of rs.
func (s *tmuxServer) feedResized(cols, rows int, stream []byte, rs ...paneResize) tmuxState {
	s.t.Helper()
	n := tmuxServers.Add(1)
	file := filepath.Join(s.dir, fmt.Sprintf("stream%d", n))
	script := filepath.Join(s.dir, "feed.sh")
	if err := os.WriteFile(file, stream, 0o600); err != nil {
		s.t.Fatal(err)
	}
	for i, r := range rs {
		if err := os.WriteFile(fmt.Sprintf("%s.%d", file, i+2), r.then, 0o600); err != nil {
			s.t.Fatal(err)
		}
	}
	if err := os.WriteFile(script, []byte(tmuxFeedScript), 0o600); err != nil {
		s.t.Fatal(err)
	}
	done := fmt.Sprintf("done%d", n)
	// Only plain CPR is answered by tmux (not DECXCPR, CSI ? 6 n).
	cprs := bytes.Count(stream, []byte("\x1b[6n"))
	target := fmt.Sprintf("feed%d", n)
	// The pane's title starts as the host name; clear it so the stream's title is all
	// there is.
	s.run("new-session", "-d", "-s", target, "-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows),
		"bash "+shellQuote(script)+" "+shellQuote(file)+" "+strconv.Itoa(cprs)+" "+s.sock+" "+done,
		";", "select-pane", "-t", target, "-T", "",
		";", "wait-for", "-S", "go")
	for i, r := range rs {
		// resize-window makes the window's size manual, so no client changes it back.
		s.wait(fmt.Sprintf("%sr%d", done, i+2))
		s.run("resize-window", "-t", target, "-x", strconv.Itoa(r.cols), "-y", strconv.Itoa(r.rows))
		s.run("wait-for", "-S", fmt.Sprintf("%sR%d", done, i+2))
		cols, rows = r.cols, r.rows
	}
	s.wait(done)

	st := tmuxState{vars: make(map[string]string), styleUnknown: make([]bool, rows)}
	out := strings.TrimSuffix(s.run("display-message", "-p", "-t", target, "#{"+strings.Join(tmuxVars, "}|#{")+"}"), "\n")
	fields := strings.Split(out, "|")
	if len(fields) != len(tmuxVars) {
		s.t.Fatalf("tmux display-message: got %q for %d variables", out, len(tmuxVars))
	}
	for i, k := range tmuxVars {
		st.vars[k] = fields[i]
	}
	st.title = strings.TrimSuffix(s.run("display-message", "-p", "-t", target, "#{pane_title}"), "\n")
	capture := s.run("capture-pane", "-p", "-e", "-N", "-t", target)
	st.screen = parseCapture(cols, rows, capture)
	st.wrapped = s.wrappedRows(target, rows)
	if h := s.run("display-message", "-p", "-t", target, "#{history_size}"); strings.TrimSpace(h) != "0" {
		st.history = captureLines(s.run("capture-pane", "-p", "-t", target, "-S", "-", "-E", "-1"))
	}

	// capture-pane prints a row only up to its last used cell, so the background of cells
	// erased past it (a line cleared with a colour has no used cells at all) does not
	// show. Marking the last column of those rows makes the rest of them show: the
	// probe's own cell is then known only as blank.
	if probe := probeRows(cols, capture); len(probe) > 0 {
		var b strings.Builder
		b.WriteString("\x1b[0m\x1b(B\x0f\x1b[4l\x1b[?6l\x1b[?7l")
		for _, y := range probe {
			fmt.Fprintf(&b, "\x1b[%d;%dH.", y+1, cols)
		}
		if err := os.WriteFile(file+".probe", []byte(b.String()), 0o600); err != nil {
			s.t.Fatal(err)
		}
		s.run("wait-for", "-S", done+"p")
		s.wait(done + "q")
		probed := parseCapture(cols, rows, s.run("capture-pane", "-p", "-e", "-N", "-t", target))
		for _, y := range probe {
			copy(st.screen.cur.lines[y].cells[:cols-1], probed.cur.lines[y].cells[:cols-1])
			st.styleUnknown[y] = true
		}
	}
	s.run("kill-session", "-t", target)
	return st
}

// rowSeparator divides the per-row captures of wrappedRows.
const rowSeparator = "~~duet-row~~\n"

// wrappedRows asks tmux which rows autowrap continued on the next: capture-pane -J of
// rows y and y+1 gives one line when y is joined to y+1, two when not. One tmux command
// captures every pair, with a separator between them. The last row has no next row to
// be joined to, and is reported as not continued.
func (s *tmuxServer) wrappedRows(target string, rows int) []bool {
	s.t.Helper()
	wrapped := make([]bool, rows)
	if rows < 2 {
		return wrapped
	}
	var args []string
	for y := range rows - 1 {
		args = append(args, "capture-pane", "-p", "-J", "-t", target, "-S", strconv.Itoa(y), "-E", strconv.Itoa(y+1),
			";", "display-message", "-p", strings.TrimSuffix(rowSeparator, "\n"), ";")
	}
	parts := strings.Split(s.run(args[:len(args)-1]...), rowSeparator)
	if len(parts) != rows {
		s.t.Fatalf("tmux capture-pane -J: %d rows, want %d", len(parts)-1, rows-1)
	}
	for y := range rows - 1 {
		wrapped[y] = strings.Count(parts[y], "\n") == 1
	}
	return wrapped
}

// wait waits for the pane to signal channel.
func (s *tmuxServer) wait(channel string) {
	s.t.Helper()
	if out, err := s.command("wait-for", channel).CombinedOutput(); err != nil {
		s.t.Fatalf("tmux did not finish parsing the stream within %v (wait-for %s: %v: %s)",
			tmuxTimeout, channel, err, out)
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// probeRows returns the rows of a capture that stop before the last column.
func probeRows(cols int, capture string) []int {
	var rows []int
	for y, l := range captureLines(capture) {
		sc := New(cols, 1, Options{Scrollback: -1})
		sc.Write([]byte("\x1b)0" + l))
		if !sc.wrapnext {
			rows = append(rows, y)
		}
	}
	return rows
}

func captureLines(capture string) []string {
	return strings.Split(strings.TrimSuffix(capture, "\n"), "\n")
}

// parseCapture turns capture-pane -p -e -N output back into cells by feeding it to a fresh
// Screen, each line placed with a cursor move. tmux writes the attributes as SGR changes
// from the previous cell (carried from line to line), and cells drawn in the DEC line
// drawing set as their ASCII letters between SO and SI, so G1 is made that set first.
func parseCapture(cols, rows int, capture string) *Screen {
	sc := New(cols, rows, Options{Scrollback: -1})
	var b bytes.Buffer
	b.WriteString("\x1b)0")
	for y, l := range captureLines(capture) {
		fmt.Fprintf(&b, "\x1b[%dH%s", y+1, fixCaptureSGR(l))
	}
	sc.Write(b.Bytes())
	return sc
}

// fixCaptureSGR undoes a tmux 3.3 capture-pane slip: it writes every attribute code of
// two digits as "tens:units", meant for the underline styles (4:2 .. 4:5), so overline
// (53) comes out as 5:3, which reads as blink.
func fixCaptureSGR(l string) string {
	var b strings.Builder
	for {
		i := strings.Index(l, "\x1b[")
		if i < 0 {
			b.WriteString(l)
			return b.String()
		}
		j := i + 2
		for j < len(l) && (l[j] >= '0' && l[j] <= '9' || l[j] == ';' || l[j] == ':') {
			j++
		}
		b.WriteString(l[:i+2])
		if j < len(l) && l[j] == 'm' {
			params := strings.Split(l[i+2:j], ";")
			for k, p := range params {
				if p == "5:3" {
					params[k] = "53"
				}
			}
			b.WriteString(strings.Join(params, ";"))
		} else {
			b.WriteString(l[i+2 : j])
		}
		l = l[j:]
	}
}
