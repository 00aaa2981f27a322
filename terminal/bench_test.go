package terminal

import (
	"bytes"
	"io"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/duetpair/duet/internal/flood"
	"github.com/duetpair/duet/terminal/vt"
)

// memStream plays back output from memory as fast as it is read.
type memStream struct {
	r *bytes.Reader
}

func (m *memStream) Read(p []byte) (int, error)  { return m.r.Read(p) }
func (m *memStream) Write(p []byte) (int, error) { return len(p), nil }
func (m *memStream) Close() error                { return nil }
func (m *memStream) Resize(int, int) error       { return nil }

// BenchmarkFlood streams coloured output through an attached widget (snapshots taken
// per frame on the test driver), the way `cat` of a big file reaches the window. Compare
// with BenchmarkScreenOnly: the widget must not pace the stream. Frames painted by a real
// GL window are measured by `duet term --flood` under Xvfb (make bench).
func BenchmarkFlood(b *testing.B) {
	data := flood.Colour(16 << 20)
	test.NewTempApp(b)
	term := New()
	w := test.NewTempWindow(b, term)
	w.Resize(fyne.NewSize(1000, 700))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		done := make(chan struct{})
		term.OnExit = func(error) { close(done) }
		term.Attach(&memStream{r: bytes.NewReader(data)})
		<-done
		term.Detach()
	}
}

// BenchmarkScreenOnly is the same output into terminal/vt alone.
func BenchmarkScreenOnly(b *testing.B) {
	data := flood.Colour(16 << 20)
	s := vt.New(110, 40, vt.Options{})
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		_, _ = io.Copy(s, bytes.NewReader(data))
	}
}

// BenchmarkDrawFrame measures one full redraw of a 120x40 screen of coloured text into
// the raster (the worst frame: every row changed).
func BenchmarkDrawFrame(b *testing.B) {
	test.NewTempApp(b)
	term := New()
	w := test.NewTempWindow(b, term)
	cs := term.cell()
	w.Resize(fyne.NewSize(cs.Width*120+8, cs.Height*40+8))
	term.Screen().Write(flood.Colour(20000))
	term.Refresh()
	r := test.WidgetRenderer(term).(*renderer)
	size := term.Size()
	pw, ph := int(size.Width), int(size.Height)
	r.generate(pw, ph)
	b.ResetTimer()
	for range b.N {
		r.all = true
		r.generate(pw, ph)
	}
}
