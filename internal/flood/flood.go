// Package flood makes terminal output for benchmarks and measurements: lines of coloured
// words, like a build log or `ls --color`. It imports nothing of Duet's.
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
