package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/term"

	"github.com/duetpair/duet/internal/flood"
)

// The far-away benchmark (wan_bench_test.go) shares one program, the test binary run
// with wanProgramEnv set: a terminal program that floods its screen when asked and shows,
// on its last row, how many keys it got and how many floods it finished
// ("keys 12 done 3"). Partners watch that row on their own screen model.
//
// Keys: 'f' floods until 'q'; 'F' floods wanFloodEnv bytes (default 50 MB) and stops by
// itself; any other key is counted. The flood scrolls coloured lines above the last row,
// as a build log does.
const (
	wanProgramEnv = "DUET_TEST_WAN_PROGRAM"
	wanFloodEnv   = "DUET_TEST_WAN_FLOOD_BYTES"
)

// wanStatus is the last row the program shows.
func wanStatus(keys, done int) string { return fmt.Sprintf("keys %d done %d", keys, done) }

// runWANProgram is the program; it returns the exit code.
func runWANProgram() int {
	fd := int(os.Stdin.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer term.Restore(fd, old)
	size := int64(50e6)
	if n, err := strconv.ParseInt(os.Getenv(wanFloodEnv), 10, 64); err == nil && n > 0 {
		size = n
	}
	keys := make(chan byte, 256)
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := os.Stdin.Read(buf)
			for _, k := range buf[:n] {
				keys <- k
			}
			if err != nil {
				close(keys)
				return
			}
		}
	}()

	text := flood.Colour(1 << 20)
	out := os.Stdout
	rows := func() int {
		_, r, err := term.GetSize(int(out.Fd()))
		if err != nil || r < 3 {
			return 24
		}
		return r
	}
	var nkeys, done int
	status := func() {
		r := rows()
		fmt.Fprintf(out, "\x1b7\x1b[%d;1H\x1b[0m%s\x1b[K\x1b8", r, wanStatus(nkeys, done))
	}
	fmt.Fprint(out, "\x1b[H\x1b[2J")
	status()
	var left int64 = -1 // bytes still to flood; -1 none, 0 until 'q'
	unlimited := false
	pos := 0
	handle := func(k byte) {
		switch k {
		case 'f', 'F':
			r := rows()
			fmt.Fprintf(out, "\x1b[1;%dr\x1b[%d;1H", r-1, r-1)
			left, unlimited = size, k == 'f'
		case 'q':
			if left >= 0 {
				left = -1
				done++
			}
		default:
			nkeys++
		}
		status()
	}
	for {
		if left < 0 {
			k, ok := <-keys
			if !ok {
				return 0
			}
			handle(k)
			continue
		}
		select {
		case k, ok := <-keys:
			if !ok {
				return 0
			}
			handle(k)
			continue
		default:
		}
		// A chunk of whole lines, so the status row never lands inside a sequence.
		n := min(16<<10, len(text)-pos)
		n = bytes.LastIndexByte(text[pos:pos+n], '\n') + 1
		out.Write(text[pos : pos+n])
		pos = (pos + n) % len(text)
		if !unlimited {
			if left -= int64(n); left <= 0 {
				left = -1
				done++
				status()
			}
		}
	}
}
