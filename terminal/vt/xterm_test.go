package vt

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// The xterm differential tests feed a byte stream to a real xterm (under Xvfb) and to a
// Screen, then compare the screens, the cursor, and the answers to queries. xterm is the
// reference the issue names for everything tmux does not do (margins, rectangles,
// protection, reports, double-width lines).
//
// How the oracle reads xterm back: xterm runs this test binary as its command, in helper
// mode (xtermHelperEnv). The helper writes the stream to its terminal, then asks for the
// cursor position (CPR); xterm answers in order, so what arrives before that answer is
// what the stream's own queries got, and the answer is the cursor. Each query is followed
// by a CPR the same way. Last, the helper asks xterm to print the screen (MC, CSI i) to a
// printer command that writes a file: xterm prints every row with its line size
// (ESC # 5/6/3/4) and the SGR of every cell, which parseXtermPrint turns back into cells.

const (
	xtermHelperEnv = "DUET_VT_XTERM_HELPER" // the job file for helper mode
	xtermTimeout   = 30 * time.Second
)

func TestMain(m *testing.M) {
	if job := os.Getenv(xtermHelperEnv); job != "" {
		if err := xtermHelper(job); err != nil {
			os.WriteFile(job+".err", []byte(err.Error()), 0o600)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	xvfb.stop()
	os.Exit(code)
}

// xtermJob is what the helper is asked to do, and what it found.
type xtermJob struct {
	Stream  []byte
	Queries []string
	Print   string // the printer command's output file

	StreamReplies string
	Replies       []string
	Row, Col      int // the cursor, from CPR (1-based)
}

// xtermDelimiter is a question whose answer ends every exchange: DECRQM of a mode no one
// has, answered "\x1b[?12345;0$y".
const xtermDelimiter = "\x1b[?12345$p"

var (
	cprAtEnd       = regexp.MustCompile(`^\x1b\[(\d+);(\d+)R$`)
	delimiterReply = []byte("\x1b[?12345;0$y")
)

// xtermHelper runs inside xterm: it plays the job on its terminal and writes the results
// to job+".out".
func xtermHelper(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var job xtermJob
	if err := json.Unmarshal(data, &job); err != nil {
		return err
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer tty.Close()
	stty := exec.Command("stty", "raw", "-echo")
	stty.Stdin = tty
	if out, err := stty.CombinedOutput(); err != nil {
		return fmt.Errorf("stty: %v: %s", err, out)
	}
	r := bufio.NewReader(tty)
	// ask writes p, then the delimiter, and returns what came back before its answer.
	ask := func(p string) (string, error) {
		if _, err := tty.Write([]byte(p + xtermDelimiter)); err != nil {
			return "", err
		}
		var got []byte
		for !bytes.HasSuffix(got, delimiterReply) {
			c, err := r.ReadByte()
			if err != nil {
				return "", err
			}
			got = append(got, c)
		}
		return string(got[:len(got)-len(delimiterReply)]), nil
	}
	if job.StreamReplies, err = ask(string(job.Stream)); err != nil {
		return err
	}
	cpr, err := ask("\x1b[6n")
	if err != nil {
		return err
	}
	m := cprAtEnd.FindStringSubmatch(cpr)
	if m == nil {
		return fmt.Errorf("bad cursor position report %q", cpr)
	}
	job.Row, _ = strconv.Atoi(m[1])
	job.Col, _ = strconv.Atoi(m[2])
	for _, q := range job.Queries {
		reply, err := ask(q)
		if err != nil {
			return err
		}
		job.Replies = append(job.Replies, reply)
	}
	if _, err := tty.Write([]byte("\x1b[?6l\x1b[i")); err != nil {
		return err
	}
	// The printer command renames its file once complete.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(job.Print); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("xterm did not print the screen")
		}
		time.Sleep(10 * time.Millisecond) // polling for a file another process writes
	}
	out, err := json.Marshal(job)
	if err != nil {
		return err
	}
	return os.WriteFile(path+".out", out, 0o600)
}

// xvfbServer is one Xvfb for the whole test binary, started on first use.
type xvfbServer struct {
	once    sync.Once
	cmd     *exec.Cmd
	display string
	err     error
}

var xvfb xvfbServer

func (x *xvfbServer) start() (string, error) {
	x.once.Do(func() {
		pr, pw, err := os.Pipe()
		if err != nil {
			x.err = err
			return
		}
		defer pr.Close()
		x.cmd = exec.Command("Xvfb", "-displayfd", "3", "-noreset", "-screen", "0", "1600x1200x24", "-nolisten", "tcp")
		x.cmd.ExtraFiles = []*os.File{pw}
		if x.err = x.cmd.Start(); x.err != nil {
			pw.Close()
			return
		}
		pw.Close()
		done := make(chan struct{})
		var line string
		go func() {
			defer close(done)
			line, _ = bufio.NewReader(pr).ReadString('\n')
		}()
		select {
		case <-done:
		case <-time.After(xtermTimeout):
		}
		if line = strings.TrimSpace(line); line == "" {
			x.err = errors.New("Xvfb did not report its display")
			x.cmd.Process.Kill()
			x.cmd.Wait()
			<-done
			x.cmd = nil
			return
		}
		x.display = ":" + line
	})
	return x.display, x.err
}

func (x *xvfbServer) stop() {
	if x.cmd != nil {
		x.cmd.Process.Kill()
		x.cmd.Wait()
	}
}

// xtermOracleEnv turns the xterm differential tests on: they take minutes, so make test
// leaves them to their own target, make test-xterm, which CI runs too.
const xtermOracleEnv = "DUET_XTERM_ORACLE"

// xtermState is what xterm showed after a stream.
type xtermState struct {
	screen        *Screen // the printed screen parsed back
	streamReplies string
	replies       []string
	x, y          int // the cursor, 0-based
}

// runXterm plays stream and then queries in an xterm of cols x rows. It skips t when xterm
// or Xvfb is not installed.
func runXterm(t *testing.T, cols, rows int, stream string, queries []string) xtermState {
	t.Helper()
	if os.Getenv(xtermOracleEnv) == "" {
		t.Skipf("the xterm oracle starts an xterm per case: it runs in make test-xterm (%s=1)", xtermOracleEnv)
	}
	for _, bin := range []string{"xterm", "Xvfb"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s is not installed: the xterm differential tests need it (make test installs it)", bin)
		}
	}
	display, err := xvfb.start()
	if err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	job := filepath.Join(dir, "job")
	print := filepath.Join(dir, "screen")
	data, err := json.Marshal(xtermJob{Stream: []byte(stream), Queries: queries, Print: print})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(job, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), xtermTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xterm", "-u8", "-geometry", fmt.Sprintf("%dx%d", cols, rows), "+sb",
		"-fg", "#e5e5e5", "-bg", "#1e1e1e",
		"-xrm", "XTerm*decTerminalID: 420",
		"-xrm", "XTerm*printerCommand: cat > "+print+".tmp && mv "+print+".tmp "+print,
		"-xrm", "XTerm*printAttributes: 2",
		"-xrm", "XTerm*printerAutoClose: true",
		"-xrm", "XTerm*printerExtent: true",
		"-e", self)
	cmd.Env = append(tmuxEnv(), "DISPLAY="+display, xtermHelperEnv+"="+job)
	for try := 1; ; try++ {
		out, err := cmd.CombinedOutput()
		if err == nil {
			break
		}
		// The server runs with -noreset (a reset refuses the connections that arrive
		// meanwhile); should a connection still be refused, try again.
		if try < 5 && bytes.Contains(out, []byte("Can't open display")) && ctx.Err() == nil {
			cmd = exec.CommandContext(ctx, cmd.Args[0], cmd.Args[1:]...)
			cmd.Env = append(tmuxEnv(), "DISPLAY="+display, xtermHelperEnv+"="+job)
			continue
		}
		msg, _ := os.ReadFile(job + ".err")
		t.Fatalf("xterm: %v: %s %s", err, out, msg)
	}
	data, err = os.ReadFile(job + ".out")
	if err != nil {
		msg, _ := os.ReadFile(job + ".err")
		t.Fatalf("the xterm helper left no result: %v %s", err, msg)
	}
	var res xtermJob
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	printed, err := os.ReadFile(print)
	if os.Getenv("DUET_XTERM_DEBUG") != "" {
		t.Logf("printed: %q", printed)
	}
	if err != nil {
		t.Fatal(err)
	}
	return xtermState{
		screen:        parseXtermPrint(cols, rows, string(printed)),
		streamReplies: res.StreamReplies,
		replies:       res.Replies,
		x:             res.Col - 1,
		y:             res.Row - 1,
	}
}

// parseXtermPrint turns xterm's print of the screen (each row ended by CR LF, starting
// with its line size, each cell with attributes after its own SGR) back into cells, in a
// fresh Screen. xterm writes no SGR before a cell without attributes, even after one with
// them, so each character is drawn with the SGR just before it, or none.
func parseXtermPrint(cols, rows int, printed string) *Screen {
	sc := New(cols, rows, Options{Scrollback: -1})
	var b bytes.Buffer
	for y, l := range strings.Split(strings.TrimSuffix(printed, "\r\n"), "\r\n") {
		if y >= rows {
			break
		}
		fmt.Fprintf(&b, "\x1b[0m\x1b[%dH", y+1)
		sgr := false
		for len(l) > 0 {
			switch {
			case strings.HasPrefix(l, "\x1b#"):
				b.WriteString(l[:3])
				l = l[3:]
			case strings.HasPrefix(l, "\x1b["):
				end := strings.IndexByte(l, 'm')
				b.WriteString(l[:end+1])
				l, sgr = l[end+1:], true
			default:
				_, n := utf8.DecodeRuneInString(l)
				if !sgr {
					b.WriteString("\x1b[0m")
				}
				b.WriteString(l[:n])
				l, sgr = l[n:], false
			}
		}
	}
	sc.Write(b.Bytes())
	return sc
}
