package terminal

import (
	"time"

	"github.com/duetpair/duet/terminal/vt"
)

// Predictive echo (as mosh does): over a link with a long round trip, a character typed
// at the end of a line's text shows at once, underlined, where its echo will put it; the
// echo, when it comes, replaces it. Only plain printable characters typed on the primary
// screen at the end of the text are predicted; any other key, an echo that differs or
// none within a while drops the predictions (and a wrong one stops predicting for a
// moment). Predictions are off below PredictAbove.
const (
	// PredictAbove is the round trip from which the widget predicts echoes.
	PredictAbove = 30 * time.Millisecond
	// predictMax bounds the predictions on the way.
	predictMax = 64
	// predictCooldown is how long a wrong prediction stops predicting.
	predictCooldown = 2 * time.Second
)

// SetRoundTrip tells the widget the round trip to the terminal's far end (a joined
// host), for predicting echoes; 0 (the default) means none is known: no predictions.
func (t *Terminal) SetRoundTrip(d time.Duration) {
	t.pred.rtt = d
	if d < PredictAbove {
		t.pred.drop()
	}
}

// predictor is the widget's predicted echoes; UI goroutine only.
type predictor struct {
	rtt     time.Duration
	row     int         // the row the predictions are on
	x       int         // the column of the first
	pending []predicted // in order, from x on
	wrongAt time.Time   // the last wrong prediction
}

type predicted struct {
	r  rune
	at time.Time
}

func (p *predictor) drop() { p.pending = p.pending[:0] }

// timeout is how long a prediction waits for its echo.
func (p *predictor) timeout() time.Duration { return max(time.Second, 4*p.rtt) }

// typed predicts the echo of r on snap (the screen as last drawn), if that is safe, and
// reports whether it did.
func (p *predictor) typed(r rune, snap *vt.Snapshot, cols int, now time.Time) bool {
	if p.rtt < PredictAbove || r < 0x20 || r > 0x7e || now.Sub(p.wrongAt) < predictCooldown ||
		snap.AltScreen || !snap.CursorVisible || snap.Rows == 0 || len(p.pending) >= predictMax {
		p.drop()
		return false
	}
	if len(p.pending) == 0 {
		p.row, p.x = snap.CursorY, snap.CursorX
	}
	x := p.x + len(p.pending)
	if p.row != snap.CursorY || x >= cols-1 || !blankFrom(snap.Lines[p.row], x) {
		p.drop() // not at the end of the text, or about to wrap
		return false
	}
	p.pending = append(p.pending, predicted{r, now})
	return true
}

// blankFrom reports whether a row holds nothing from column x on.
func blankFrom(row []vt.Cell, x int) bool {
	for _, c := range row[min(x, len(row)):] {
		if !c.Empty() && c.String() != " " {
			return false
		}
	}
	return true
}

// check takes in the screen as it is now: echoes that came confirm their predictions,
// an echo that differs (or none in time) drops them all.
func (p *predictor) check(snap *vt.Snapshot, now time.Time) {
	if len(p.pending) == 0 {
		return
	}
	if p.row >= snap.Rows || snap.AltScreen {
		p.drop()
		return
	}
	row := snap.Lines[p.row]
	n := 0 // predictions confirmed
	for n < len(p.pending) && p.x+n < len(row) && row[p.x+n].Rune() == p.pending[n].r {
		n++
	}
	switch {
	case n == len(p.pending):
		p.x, p.pending = p.x+n, p.pending[:0]
	case snap.CursorY != p.row || snap.CursorX > p.x+n && row[p.x+n].Rune() != p.pending[n].r && !row[p.x+n].Empty():
		// The host wrote something else where the echo was to go.
		p.drop()
		p.wrongAt = now
	case now.Sub(p.pending[n].at) > p.timeout():
		p.drop()
		p.wrongAt = now
	default:
		p.x += n
		p.pending = append(p.pending[:0], p.pending[n:]...)
	}
}

// apply returns row y as drawn with the predictions on it (a copy when it has any), and
// the cursor as drawn.
func (p *predictor) apply(y int, row []vt.Cell) []vt.Cell {
	if len(p.pending) == 0 || y != p.row {
		return row
	}
	out := append([]vt.Cell(nil), row...)
	for i, pr := range p.pending {
		if x := p.x + i; x < len(out) {
			out[x] = vt.NewCell(pr.r, vt.Style{Attr: vt.Underline})
		}
	}
	return out
}

// cursor returns where the cursor is drawn: after the predictions, if there are any.
func (p *predictor) cursor(x, y int) (int, int) {
	if len(p.pending) == 0 {
		return x, y
	}
	return p.x + len(p.pending), p.row
}

// drawnCols is the width text wraps at: the session's when it is smaller than the grid.
func (t *Terminal) drawnCols() int {
	if t.area != [2]int{} {
		return t.area[0]
	}
	return t.snap.Cols
}
