package vt

import (
	"strconv"
	"unicode/utf8"
)

// repainter writes the sequences of a repaint, keeping track of the pen (and hyperlink and
// protection) the terminal draws with so it only sends changes.
type repainter struct {
	b []byte
	// prot is whether the terminal protects what it prints (DECSCA).
	prot  bool
	colon bool  // extended colours as 38:5:n and 38:2::r:g:b (DECRQSS), not with semicolons
	cur   Style // the style the terminal is drawing with
	link  uint16
}

func (r *repainter) str(s string) { r.b = append(r.b, s...) }

func (r *repainter) num(n int) { r.b = strconv.AppendInt(r.b, int64(n), 10) }

func (r *repainter) csi1(n int, final string) {
	r.str("\x1b[")
	r.num(n)
	r.str(final)
}

func (r *repainter) csi2(a, b int, final byte) {
	r.str("\x1b[")
	r.num(a)
	r.b = append(r.b, ';')
	r.num(b)
	r.b = append(r.b, final)
}

// cup moves to column x, row y (0-based).
func (r *repainter) cup(x, y int) { r.csi2(y+1, x+1, 'H') }

// style switches the terminal's pen to st (the hyperlink and protection included) if it
// differs.
func (r *repainter) style(st Style) {
	st.Attr &^= cellFlags
	if p := st.Attr&attrProtected != 0; p != r.prot {
		if p {
			r.str("\x1b[1\"q")
		} else {
			r.str("\x1b[0\"q")
		}
		r.prot = p
	}
	st.Attr &^= attrProtected
	if st.Link != r.link {
		r.str("\x1b]8;")
		if uri, params, ok := Link(st.Link); ok {
			r.str(params)
			r.b = append(r.b, ';')
			r.str(uri)
		} else {
			r.b = append(r.b, ';')
		}
		r.str("\x1b\\")
		r.link = st.Link
	}
	st.Link, r.cur.Link = 0, 0
	if st == r.cur {
		return
	}
	r.str("\x1b[")
	r.sgrParams(st)
	r.b = append(r.b, 'm')
	r.cur = st
}

// sgrParams writes the SGR parameters that select st from scratch ("0;1;31").
func (r *repainter) sgrParams(st Style) {
	r.b = append(r.b, '0')
	for _, a := range sgrAttrs {
		if st.Attr&a.attr != 0 {
			r.str(a.code)
		}
	}
	r.color(st.FG, 30, 90, "38")
	r.color(st.BG, 40, 100, "48")
}

var sgrAttrs = []struct {
	attr Attr
	code string
}{
	{Bold, ";1"}, {Dim, ";2"}, {Italic, ";3"}, {Underline, ";4"}, {DoubleUnderline, ";4:2"},
	{CurlyUnderline, ";4:3"}, {Blink, ";5"}, {Inverse, ";7"}, {Hidden, ";8"}, {Strike, ";9"},
	{Overline, ";53"},
}

func (r *repainter) color(c Color, base, bright int, ext string) {
	if c.IsDefault() {
		return
	}
	r.b = append(r.b, ';')
	sep := byte(';')
	if r.colon {
		sep = ':'
	}
	if n, ok := c.Index(); ok {
		switch {
		case n < 8:
			r.num(base + int(n))
		case n < 16:
			r.num(bright + int(n) - 8)
		default:
			r.str(ext)
			r.b = append(r.b, sep, '5', sep)
			r.num(int(n))
		}
		return
	}
	cr, cg, cb, _ := c.RGB()
	r.str(ext)
	r.b = append(r.b, sep, '2', sep)
	if r.colon {
		r.b = append(r.b, sep) // the empty colour space
	}
	r.num(int(cr))
	r.b = append(r.b, sep)
	r.num(int(cg))
	r.b = append(r.b, sep)
	r.num(int(cb))
}

// cell prints one cell (a blank prints as a space).
func (r *repainter) cell(c Cell) {
	r.style(c.st)
	switch {
	case c.r == 0:
		r.b = append(r.b, ' ')
	case c.r < utf8.RuneSelf:
		r.b = append(r.b, byte(c.r))
	case c.r >= graphemeBase:
		r.str(c.String())
	default:
		r.b = utf8.AppendRune(r.b, c.r)
	}
}
