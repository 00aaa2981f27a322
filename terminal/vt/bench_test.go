package vt

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/hinshun/vt10x"

	"github.com/duetpair/duet/internal/flood"
)

// The benchmark inputs: about 1 MB each, made the way real programs write.
var (
	benchPlain  = makePlain(1 << 20)
	benchColour = makeColour(1 << 20)
	benchRedraw = makeRedraw(1<<20, 120, 40)
	benchWide   = makeWide(1 << 20)
)

// makePlain is scrolling ASCII text of varied line lengths, as from cat or a compiler.
func makePlain(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 1))
	var b bytes.Buffer
	for b.Len() < n {
		for range 1 + rng.IntN(100) {
			b.WriteByte(byte('!' + rng.IntN(94)))
			if rng.IntN(6) == 0 {
				b.WriteByte(' ')
			}
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// makeColour is highlighted output: a colour change every word or two, in 16, 256 and
// 24-bit colours, as from ls --color, a syntax highlighter or a coloured log.
func makeColour(n int) []byte {
	rng := rand.New(rand.NewPCG(2, 2))
	var b bytes.Buffer
	for b.Len() < n {
		for range 1 + rng.IntN(12) {
			switch rng.IntN(4) {
			case 0:
				fmt.Fprintf(&b, "\x1b[%d;%dm", 30+rng.IntN(8), 1+rng.IntN(4))
			case 1:
				fmt.Fprintf(&b, "\x1b[38;5;%dm", rng.IntN(256))
			case 2:
				fmt.Fprintf(&b, "\x1b[38;2;%d;%d;%dm", rng.IntN(256), rng.IntN(256), rng.IntN(256))
			case 3:
				b.WriteString("\x1b[0m")
			}
			for range 2 + rng.IntN(8) {
				b.WriteByte(byte('a' + rng.IntN(26)))
			}
			b.WriteByte(' ')
		}
		b.WriteString("\x1b[0m\r\n")
	}
	return b.Bytes()
}

// makeRedraw is full-screen programs repainting: every row addressed with CUP, with
// colours, then erased to the end of line, as from vim, htop or tmux.
func makeRedraw(n, cols, rows int) []byte {
	rng := rand.New(rand.NewPCG(3, 3))
	var b bytes.Buffer
	for b.Len() < n {
		for y := 1; y <= rows; y++ {
			fmt.Fprintf(&b, "\x1b[%d;1H\x1b[%dm%4d \x1b[0m", y, 90+rng.IntN(8), y)
			for range rng.IntN(cols - 10) {
				b.WriteByte(byte('a' + rng.IntN(26)))
			}
			b.WriteString("\x1b[K")
		}
	}
	return b.Bytes()
}

// makeWide is CJK text with some emoji: the UTF-8 and wide-character path.
func makeWide(n int) []byte {
	rng := rand.New(rand.NewPCG(4, 4))
	var b bytes.Buffer
	for b.Len() < n {
		for range 1 + rng.IntN(50) {
			if rng.IntN(20) == 0 {
				b.WriteRune(0x1F600 + rune(rng.IntN(50)))
			} else {
				b.WriteRune(0x4E00 + rune(rng.IntN(0x5000)))
			}
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

var benchInputs = []struct {
	name string
	data []byte
}{
	{"plain", benchPlain},
	{"colour", benchColour},
	{"redraw", benchRedraw},
	{"wide", benchWide},
}

// BenchmarkWrite measures terminal/vt's throughput on a 120x40 screen with scrollback.
func BenchmarkWrite(b *testing.B) {
	for _, in := range benchInputs {
		b.Run(in.name, func(b *testing.B) {
			s := New(120, 40, Options{})
			s.Write(in.data) // fill the scrollback so the steady state is measured
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				s.Write(in.data)
			}
		})
	}
}

// BenchmarkVT10x runs the same inputs through hinshun/vt10x, the anchor to beat.
func BenchmarkVT10x(b *testing.B) {
	for _, in := range benchInputs {
		b.Run(in.name, func(b *testing.B) {
			t := vt10x.New(vt10x.WithSize(120, 40), vt10x.WithWriter(io.Discard))
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				t.Write(in.data)
			}
		})
	}
}

// BenchmarkRepaint measures a late join: the repaint of a full 200x60 screen of coloured
// text, a colour change every five cells (SPEC goal: under 1 ms).
func BenchmarkRepaint(b *testing.B) {
	s := New(200, 60, Options{})
	s.Write(flood.Screen(200, 60))
	buf := s.Repaint()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		buf = s.AppendRepaint(buf[:0])
	}
	b.ReportMetric(float64(len(buf)), "bytes/repaint")
}

// BenchmarkSnapshot measures what the widget pays per frame while output scrolls.
func BenchmarkSnapshot(b *testing.B) {
	s := New(200, 60, Options{})
	var snap Snapshot
	b.ReportAllocs()
	for range b.N {
		s.Write(benchPlain[:4096])
		s.Snapshot(&snap)
	}
}

// BenchmarkResize measures a width change of a 120x40 screen with a full scrollback
// (5000 lines): the reflow of all of it, as when a window is dragged narrower or wider.
func BenchmarkResize(b *testing.B) {
	s := New(120, 40, Options{})
	s.Write(benchPlain)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s.Resize(100+20*(i%2), 40)
	}
}
