package terminal

import (
	"image"
	"image/draw"
	"math"
	"sync"

	"fyne.io/fyne/v2/theme"
	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/duetpair/duet/terminal/vt"
)

// The widget rasterises text itself into one image per frame: drawing through one texture
// keeps memory bounded however much output scrolls by (Fyne caches a texture per distinct
// text for a minute). Characters none of our fonts has (CJK, emoji) are drawn by Fyne as
// small overlay texts, cached per character.

// fonts are the faces tried in order: the monospace font, then the regular text font for
// letters it lacks.
var fonts struct {
	once  sync.Once
	faces []*sfnt.Font
}

func loadFonts() []*sfnt.Font {
	fonts.once.Do(func() {
		for _, res := range [][]byte{
			theme.DefaultTextMonospaceFont().Content(),
			theme.DefaultTextFont().Content(),
		} {
			if f, err := opentype.Parse(res); err == nil {
				fonts.faces = append(fonts.faces, f)
			}
		}
	})
	return fonts.faces
}

// fontFor returns the index of the first font that has r, or -1.
func fontFor(r rune) int {
	var buf sfnt.Buffer
	for i, f := range loadFonts() {
		if gi, err := f.GlyphIndex(&buf, r); err == nil && gi != 0 {
			return i
		}
	}
	return -1
}

// coverage caches fontFor for the runes we have seen: it runs on the UI goroutine only.
type coverage map[rune]int8

func (c coverage) font(r rune) int {
	if r < 0x7f {
		return 0
	}
	if v, ok := c[r]; ok {
		return int(v)
	}
	if len(c) > 1<<16 {
		clear(c)
	}
	v := fontFor(r)
	c[r] = int8(v)
	return v
}

type glyphKey struct {
	text         string
	bold, italic bool
	wide         bool
	size         vt.LineSize // double width, or the top or bottom half of double height
}

// glyphCache holds alpha masks the size of a cell (two for wide characters), rendered for
// one pixel cell size.
type glyphCache struct {
	cellW, cellH float64
	faces        []font.Face
	ascent       int
	masks        map[glyphKey]*image.Alpha
}

func newGlyphCache(cellW, cellH, textPx float64) *glyphCache {
	g := &glyphCache{cellW: cellW, cellH: cellH, masks: make(map[glyphKey]*image.Alpha)}
	for _, f := range loadFonts() {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: textPx, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			continue
		}
		g.faces = append(g.faces, face)
	}
	if len(g.faces) > 0 {
		m := g.faces[0].Metrics()
		asc, desc := m.Ascent.Ceil(), m.Descent.Ceil()
		g.ascent = asc + max(int(math.Round(cellH))-asc-desc, 0)/2
	}
	return g
}

// mask returns the glyph mask for text drawn in a cell, rendering it on first use.
func (g *glyphCache) mask(k glyphKey, fontIdx int) *image.Alpha {
	if m, ok := g.masks[k]; ok {
		return m
	}
	if len(g.masks) > 8192 {
		clear(g.masks)
	}
	if k.size != vt.LineSingle {
		return g.scaledMask(k, fontIdx)
	}
	w := int(math.Ceil(g.cellW))
	if k.wide {
		w = int(math.Ceil(2 * g.cellW))
	}
	h := int(math.Ceil(g.cellH))
	m := image.NewAlpha(image.Rect(0, 0, w, h))
	dot := fixed.P(0, g.ascent)
	for i, r := range k.text {
		face := fontIdx
		if i > 0 { // combining marks may come from another font
			face = fontFor(r)
		}
		if face < 0 || face >= len(g.faces) {
			continue
		}
		dr, src, sp, _, ok := g.faces[face].Glyph(dot, r)
		if !ok {
			continue
		}
		if k.wide { // centre a narrow-font glyph in two cells
			off := (w - dr.Dx()) / 2
			dr = dr.Add(image.Pt(off-dr.Min.X, 0))
		}
		draw.DrawMask(m, dr, image.Opaque, image.Point{}, src, sp, draw.Over)
	}
	if k.italic {
		m = shear(m, g.ascent)
	}
	if k.bold {
		embolden(m)
	}
	g.masks[k] = m
	return m
}

// scaledMask draws the glyph of a double-width row twice as wide, and for a double-height
// row twice as tall too, keeping the half the row shows.
func (g *glyphCache) scaledMask(k glyphKey, fontIdx int) *image.Alpha {
	base := k
	base.size = vt.LineSingle
	src := g.mask(base, fontIdx)
	b := src.Bounds()
	dst := image.NewAlpha(image.Rect(0, 0, 2*b.Dx(), b.Dy()))
	dr := dst.Bounds()
	switch k.size {
	case vt.LineDoubleTop:
		dr = image.Rect(0, 0, 2*b.Dx(), 2*b.Dy())
	case vt.LineDoubleBottom:
		dr = image.Rect(0, -b.Dy(), 2*b.Dx(), b.Dy())
	}
	xdraw.ApproxBiLinear.Scale(dst, dr, src, b, xdraw.Src, nil)
	g.masks[k] = dst
	return dst
}

// embolden thickens a mask by one pixel to the right (synthetic bold).
func embolden(m *image.Alpha) {
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[(y-b.Min.Y)*m.Stride:]
		for x := b.Dx() - 1; x > 0; x-- {
			row[x] = max(row[x], row[x-1])
		}
	}
}

// shear slants a mask to the right above the baseline (synthetic italic).
func shear(m *image.Alpha, baseline int) *image.Alpha {
	b := m.Bounds()
	out := image.NewAlpha(b)
	for y := 0; y < b.Dy(); y++ {
		shift := int(math.Round(float64(baseline-y) * 0.2))
		for x := 0; x < b.Dx(); x++ {
			if sx := x - shift; sx >= 0 && sx < b.Dx() {
				out.Pix[y*out.Stride+x] = m.Pix[y*m.Stride+sx]
			}
		}
	}
	return out
}
