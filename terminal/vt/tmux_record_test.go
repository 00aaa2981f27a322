package vt

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The recordings in testdata are the output of real programs (vim, less, top, ls, git log,
// a bash prompt) run in a tmux pane of recCols x recRows; testdata/record.sh makes them.
const recCols, recRows = 80, 24

// TestTmuxRecordings replays each recording into tmux and into a Screen, and compares
// them at every mark (a moment the program sat waiting for a key) and at the end.
func TestTmuxRecordings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.rec"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recordings in testdata: run testdata/record.sh")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".rec")
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ends, err := recordingMarks(strings.TrimSuffix(f, ".rec")+".marks", len(data))
		if err != nil {
			t.Fatal(err)
		}
		seen := make(map[int]bool)
		for _, end := range ends {
			end = groundAt(data, end)
			if seen[end] {
				continue
			}
			seen[end] = true
			t.Run(fmt.Sprintf("%s@%d", name, end), func(t *testing.T) {
				t.Parallel()
				checkAgainstTmux(t, recCols, recRows, data[:end])
			})
		}
	}
}

// recordingMarks reads the byte offsets in a .marks file (one a line), and adds the end.
func recordingMarks(path string, size int) ([]int, error) {
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	var ends []int
	for _, l := range strings.Fields(string(b)) {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 || n > size {
			return nil, fmt.Errorf("%s: bad mark %q", path, l)
		}
		ends = append(ends, n)
	}
	return append(ends, size), nil
}

// groundAt moves end forward until the stream before it leaves the parser in the ground
// state, so that no escape sequence or character is cut in two.
func groundAt(data []byte, end int) int {
	s := New(recCols, recRows, Options{Scrollback: -1})
	s.Write(data[:end])
	for end < len(data) && (s.state != stGround || s.utf8n != 0) {
		s.Write(data[end : end+1])
		end++
	}
	return end
}
