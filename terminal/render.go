package terminal

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"github.com/duetpair/duet/terminal/vt"
)

// renderer draws the terminal into one raster image, redrawing only rows that changed,
// with overlay texts for characters our fonts lack. All of it runs on the UI goroutine
// (Refresh, and the raster generator the painter calls).
type renderer struct {
	t      *Terminal
	raster *canvas.Raster
	img    *image.RGBA

	objects  []fyne.CanvasObject
	overlays []*canvas.Text
	rowOver  [][]overlay // per view row: cells drawn as overlays

	pal      palette
	havePal  bool
	palKey   fyne.ThemeVariant
	palTheme fyne.Theme
	cov      coverage
	glyphs   *glyphCache
	uni      image.Uniform

	view     [][]vt.Cell // the rows shown: screen rows or scrollback
	sizes    []vt.LineSize
	rowDirty []bool
	all      bool

	lastCursor [2]int
	predRow    int // the row drawn with predicted echoes, -1 for none
	lastSel    selection
	lastOff    int
	lastShown  bool
}

type overlay struct {
	col    int // in cells as drawn: twice the column on a double-width row
	text   string
	style  vt.Style
	wide   bool // two cells
	double bool // four cells: a wide character on a double-width row
}

// rowScale is how many cells wide a character on a row of this size is drawn.
func rowScale(s vt.LineSize) int {
	if s == vt.LineSingle {
		return 1
	}
	return 2
}

func newRenderer(t *Terminal) *renderer {
	r := &renderer{t: t, cov: coverage{}, all: true, lastCursor: [2]int{-1, -1}, predRow: -1}
	r.raster = canvas.NewRaster(r.generate)
	r.objects = []fyne.CanvasObject{r.raster}
	return r
}

func (r *renderer) Destroy() {}

func (r *renderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *renderer) MinSize() fyne.Size { return r.t.MinSize() }

func (r *renderer) Layout(s fyne.Size) {
	r.raster.Resize(s)
	r.all = true
}

// Refresh takes a snapshot of the screen and marks what must be drawn again.
func (r *renderer) Refresh() {
	t := r.t
	th, v := t.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	if r.palTheme != th || r.palKey != v {
		// The screen reports, and the snapshot carries, the theme's colours.
		t.screen.SetDefaultColors(themeColors(th, v))
		r.palTheme, r.palKey, r.havePal = th, v, false
	}
	changed := t.screen.Snapshot(&t.snap)
	if changed && t.scrollOff > 0 && r.lastOff == t.scrollOff {
		t.scrollOff = 0 // new output returns the view to the bottom
	}
	t.scrollOff = min(t.scrollOff, t.snap.Scrollback)
	if t.snap.Title != t.title {
		t.title = t.snap.Title
		if t.OnTitle != nil {
			t.OnTitle(t.title)
		}
	}
	if !r.havePal || r.pal.from != t.snap.Palette {
		r.pal, r.havePal = newPalette(th, v, t.snap.Palette), true
		r.all = true
	}
	rows := t.rows // the grid's rows; a smaller screen's end before
	if len(r.rowDirty) != rows {
		r.rowDirty = make([]bool, rows)
		r.rowOver = make([][]overlay, rows)
		r.view = make([][]vt.Cell, rows)
		r.sizes = make([]vt.LineSize, rows)
		r.all = true
	}
	if t.scrollOff != r.lastOff {
		r.all = true
		r.lastOff = t.scrollOff
	}
	if t.sel != r.lastSel {
		r.all = true
		r.lastSel = t.sel
	}
	if area := t.sessionArea(); area != t.area {
		t.area = area
		r.all = true
	}
	t.pred.check(&t.snap, time.Now())
	if t.scrollOff != 0 {
		t.pred.drop()
	}
	for y := range rows {
		if y >= t.snap.Rows {
			r.view[y] = nil // outside the screen (drawn as such below)
			continue
		}
		if t.scrollOff == 0 {
			r.view[y] = t.pred.apply(y, t.snap.Lines[y])
			r.sizes[y] = t.snap.Sizes[y]
			if t.snap.Dirty[y] {
				r.rowDirty[y] = true
			}
		} else {
			line := t.snap.Scrolled - uint64(t.scrollOff) + uint64(y)
			cells, _, _ := t.viewLine(line)
			r.view[y] = cells
			r.sizes[y] = vt.LineSingle
			r.rowDirty[y] = true
		}
	}
	// Rows with predicted echoes, before and now.
	r.markRow(r.predRow)
	r.predRow = -1
	if len(t.pred.pending) > 0 {
		r.predRow = t.pred.row
		r.markRow(r.predRow)
	}
	// The cursor's old and new rows.
	cx, cy := t.pred.cursor(t.snap.CursorX, t.snap.CursorY)
	cy += t.scrollOff
	shown := r.cursorShown()
	if [2]int{cx, cy} != r.lastCursor || shown != r.lastShown {
		r.markRow(r.lastCursor[1])
		r.markRow(cy)
		r.lastCursor, r.lastShown = [2]int{cx, cy}, shown
	}
	overlaysChanged := false
	for y := range rows {
		if r.all || r.rowDirty[y] {
			if r.collectOverlays(y) {
				overlaysChanged = true
			}
		}
	}
	if overlaysChanged || r.all {
		r.layoutOverlays()
	}
	canvas.Refresh(r.raster)
	if t.scrollHook != nil {
		t.scrollHook()
	}
}

func (r *renderer) markRow(y int) {
	if y >= 0 && y < len(r.rowDirty) {
		r.rowDirty[y] = true
	}
}

func (r *renderer) cursorShown() bool {
	t := r.t
	return t.snap.CursorVisible && t.snap.CursorY+t.scrollOff < t.snap.Rows && (t.blinkOn || !t.focused || !blinks(t.snap))
}

func blinks(s vt.Snapshot) bool {
	switch s.CursorStyle {
	case 0, 1, 3, 5:
		return true
	}
	return s.Modes.CursorBlink
}

// collectOverlays finds the cells of row y our fonts cannot draw; it reports a change.
func (r *renderer) collectOverlays(y int) bool {
	old := r.rowOver[y]
	var list []overlay
	area := r.t.area
	scale := rowScale(r.sizes[y])
	for x, c := range r.view[y] {
		if x*scale >= len(r.view[y]) {
			break
		}
		if c.Empty() || c.IsWideTail() || area != [2]int{} && (x >= area[0] || y >= area[1]) {
			continue
		}
		s := c.String()
		if s == " " {
			continue
		}
		if r.cov.font(c.Rune()) < 0 {
			list = append(list, overlay{col: x * scale, text: s, style: c.Style(), wide: c.Width()*scale >= 2, double: scale == 2 && c.Width() == 2})
		}
	}
	r.rowOver[y] = list
	if len(old) != len(list) {
		return true
	}
	for i := range old {
		if old[i] != list[i] {
			return true
		}
	}
	return false
}

func (r *renderer) layoutOverlays() {
	cs := r.t.cell()
	n := 0
	for y, list := range r.rowOver {
		for _, o := range list {
			if n == len(r.overlays) {
				r.overlays = append(r.overlays, canvas.NewText("", nil))
			}
			tx := r.overlays[n]
			fg, _, _ := r.pal.colours(o.style, r.t.snap.Modes.ReverseVideo)
			tx.Text, tx.Color, tx.TextSize = o.text, fg, r.t.textSize
			tx.TextStyle = fyne.TextStyle{Bold: o.style.Attr&vt.Bold != 0, Italic: o.style.Attr&vt.Italic != 0}
			w := cs.Width
			switch {
			case o.double:
				w *= 4
			case o.wide:
				w *= 2
			}
			tx.Alignment = fyne.TextAlignCenter
			tx.Move(fyne.NewPos(float32(o.col)*cs.Width, float32(y)*cs.Height))
			tx.Resize(fyne.NewSize(w, cs.Height))
			tx.Refresh()
			n++
		}
	}
	r.objects = r.objects[:1]
	for _, o := range r.overlays[:n] {
		r.objects = append(r.objects, o)
	}
}

// generate is the raster's pixel source: it draws the rows marked dirty.
func (r *renderer) generate(w, h int) image.Image {
	t := r.t
	if r.img == nil || r.img.Bounds().Dx() != w || r.img.Bounds().Dy() != h {
		r.img = image.NewRGBA(image.Rect(0, 0, w, h))
		r.all = true
	}
	size := t.Size()
	if size.Width <= 0 || len(r.view) == 0 {
		return r.img
	}
	scale := float64(w) / float64(size.Width)
	cs := t.cell()
	cw, ch := float64(cs.Width)*scale, float64(cs.Height)*scale
	if r.glyphs == nil || r.glyphs.cellW != cw || r.glyphs.cellH != ch {
		r.glyphs = newGlyphCache(cw, ch, float64(t.textSize)*scale)
		r.all = true
	}
	if r.all {
		r.fill(r.img.Bounds(), r.defaultBG())
	}
	for y := range r.view {
		if r.all || r.rowDirty[y] {
			r.drawRow(y, cw, ch)
			r.rowDirty[y] = false
		}
	}
	r.all = false
	t.frames.Add(1)
	return r.img
}

func (r *renderer) defaultBG() color.Color {
	if r.t.snap.Modes.ReverseVideo {
		return r.pal.fg
	}
	return r.pal.bg
}

func (r *renderer) fill(rect image.Rectangle, c color.Color) {
	r.uni.C = c
	draw.Draw(r.img, rect, &r.uni, image.Point{}, draw.Src)
}

func px(v float64) int { return int(math.Round(v)) }

func (r *renderer) drawRow(y int, cw, ch float64) {
	t := r.t
	y0, y1 := px(float64(y)*ch), px(float64(y+1)*ch)
	r.fill(image.Rect(0, y0, r.img.Bounds().Dx(), y1), r.defaultBG())
	cells := r.view[y]
	selFrom, selTo := t.sel.ordered()
	line := t.snap.Scrolled - uint64(t.scrollOff) + uint64(y)
	reverse := t.snap.Modes.ReverseVideo
	cursorHere := r.lastShown && r.lastCursor[1] == y
	size := r.sizes[y]
	scale := rowScale(size)
	limit := t.snap.Cols
	if t.area != [2]int{} {
		// Outside the session's screen: a partner's smaller terminal sets the size.
		outX := r.img.Bounds().Dx() // the columns are all the session's
		if t.area[0] < t.cols {
			outX = px(float64(t.area[0]) * cw)
		}
		if y >= t.area[1] {
			outX = 0
			cells = nil
		}
		r.fill(image.Rect(outX, y0, r.img.Bounds().Dx(), y1), r.pal.outside)
		limit = min(limit, t.area[0])
	}
	for x := 0; x < len(cells) && x*scale < limit; x++ {
		c := cells[x]
		if c.IsWideTail() {
			continue
		}
		w := max(c.Width(), 1)
		x0, x1 := px(float64(x*scale)*cw), px(float64((x+w)*scale)*cw)
		fg, bg, bgSet := r.pal.colours(c.Style(), reverse)
		if t.sel.active && inSelection(pos{x, line}, selFrom, selTo, t.sel.mode) {
			bg, bgSet = r.pal.selection, true
		}
		block := cursorHere && r.lastCursor[0] == x && t.focused && cursorShape(t.snap.CursorStyle) == shapeBlock
		if block {
			fg, bg, bgSet = bg, r.pal.cursor, true
			if bgOf := bg; bgOf == nil {
				bg = r.pal.fg
			}
		}
		if bgSet {
			r.fill(image.Rect(x0, y0, x1, y1), bg)
		}
		st := c.Style()
		if !c.Empty() && c.String() != " " {
			if fi := r.cov.font(c.Rune()); fi >= 0 {
				m := r.glyphs.mask(glyphKey{text: c.String(), bold: st.Attr&vt.Bold != 0, italic: st.Attr&vt.Italic != 0, wide: w == 2, size: size}, fi)
				r.uni.C = fg
				draw.DrawMask(r.img, image.Rect(x0, y0, x0+m.Bounds().Dx(), y1), &r.uni, image.Point{}, m, image.Point{}, draw.Over)
			}
		}
		thick := max(px(ch/16), 1)
		base := y0 + r.glyphs.ascent
		if st.Attr&(vt.Underline|vt.DoubleUnderline|vt.CurlyUnderline) != 0 {
			r.fill(image.Rect(x0, min(base+thick, y1-thick), x1, min(base+2*thick, y1)), fg)
		}
		if st.Attr&vt.Strike != 0 {
			mid := y0 + px(ch*0.55)
			r.fill(image.Rect(x0, mid, x1, mid+thick), fg)
		}
		if st.Attr&vt.Overline != 0 {
			r.fill(image.Rect(x0, y0, x1, y0+thick), fg)
		}
	}
	if cursorHere {
		r.drawCursor(y0, y1, cw*float64(scale), ch)
	}
}

type shape int

const (
	shapeBlock shape = iota
	shapeUnderline
	shapeBar
)

func cursorShape(decscusr int) shape {
	switch decscusr {
	case 3, 4:
		return shapeUnderline
	case 5, 6:
		return shapeBar
	}
	return shapeBlock
}

// drawCursor draws the non-block shapes, and the hollow block of an unfocused terminal.
func (r *renderer) drawCursor(y0, y1 int, cw, ch float64) {
	t := r.t
	x := r.lastCursor[0]
	x0, x1 := px(float64(x)*cw), px(float64(x+1)*cw)
	thick := max(px(ch/10), 2)
	c := r.pal.cursor
	switch {
	case !t.focused:
		r.fill(image.Rect(x0, y0, x1, y0+1), c)
		r.fill(image.Rect(x0, y1-1, x1, y1), c)
		r.fill(image.Rect(x0, y0, x0+1, y1), c)
		r.fill(image.Rect(x1-1, y0, x1, y1), c)
	case cursorShape(t.snap.CursorStyle) == shapeUnderline:
		r.fill(image.Rect(x0, y1-thick, x1, y1), c)
	case cursorShape(t.snap.CursorStyle) == shapeBar:
		r.fill(image.Rect(x0, y0, x0+thick, y1), c)
	}
}

func inSelection(p, from, to pos, mode selectMode) bool {
	if mode == selectLines {
		return p.line >= from.line && p.line <= to.line
	}
	return !p.before(from) && !to.before(p)
}
