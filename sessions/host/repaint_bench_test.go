package host

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/duetpair/duet/sessions"
	"github.com/duetpair/duet/terminal/vt"
)

// BenchmarkRepaintMaxSize measures the late join of the largest session a partner's
// size can make (sessions.MaxCols x sessions.MaxRows), the colour changing every five
// cells: the repaint a hostile partner could make the host compute for each client that
// falls behind. It costs about five times the repaint of a 200x60 screen.
func BenchmarkRepaintMaxSize(b *testing.B) {
	for _, size := range [][2]int{{200, 60}, {sessions.MaxCols, sessions.MaxRows}} {
		cols, rows := size[0], size[1]
		b.Run(fmt.Sprintf("%dx%d", cols, rows), func(b *testing.B) {
			s := vt.New(cols, rows, vt.Options{})
			rng := rand.New(rand.NewPCG(5, 5))
			for y := 1; y <= rows; y++ {
				fmt.Fprintf(s, "\x1b[%d;1H", y)
				for x := 0; x < cols; x += 5 {
					fmt.Fprintf(s, "\x1b[38;5;%d;%dm%c%c%c%c%c", rng.IntN(256), 40+rng.IntN(8),
						'a'+rng.IntN(26), 'a'+rng.IntN(26), 'a'+rng.IntN(26), 'a'+rng.IntN(26), 'a'+rng.IntN(26))
				}
			}
			buf := s.Repaint()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				buf = s.AppendRepaint(buf[:0])
			}
			b.ReportMetric(float64(len(buf)), "bytes/repaint")
		})
	}
}
