// Package flood makes terminal output for benchmarks and measurements: lines of coloured
// words, like a build log or `ls --color`, and a whole screen of changing colours for
// repaints. It imports nothing of Duet's.
package flood

import (
	"bytes"
	"fmt"
	"math/rand/v2"
)

// Colour returns about n bytes of lines of words in the 8 ANSI colours, always the same
// for the same n.
func Colour(n int) []byte {
	rng := rand.New(rand.NewPCG(7, 7))
	var b bytes.Buffer
	for b.Len() < n {
		for range 1 + rng.IntN(10) {
			fmt.Fprintf(&b, "\x1b[%dm", 31+rng.IntN(7))
			for range 2 + rng.IntN(8) {
				b.WriteByte(byte('a' + rng.IntN(26)))
			}
			b.WriteString("\x1b[0m ")
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// Screen returns what paints a whole cols x rows screen with text whose colours (256
// foreground, 8 background) change every five cells, always the same for the same size:
// a hard case for a repaint.
func Screen(cols, rows int) []byte {
	rng := rand.New(rand.NewPCG(5, 5))
	var b bytes.Buffer
	for y := 1; y <= rows; y++ {
		fmt.Fprintf(&b, "\x1b[%d;1H", y)
		for x := 0; x < cols; x += 5 {
			fmt.Fprintf(&b, "\x1b[38;5;%d;%dm%c%c%c%c%c", rng.IntN(256), 40+rng.IntN(8),
				'a'+rng.IntN(26), 'a'+rng.IntN(26), 'a'+rng.IntN(26), 'a'+rng.IntN(26), 'a'+rng.IntN(26))
		}
	}
	return b.Bytes()
}
