package host

import (
	"fmt"
	"testing"

	"github.com/duetpair/duet/internal/flood"
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
			s.Write(flood.Screen(cols, rows))
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
