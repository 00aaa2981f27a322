//go:build ignore

// icon_gen draws Duet's icon, icon.png: a terminal prompt in two colours (two people, one
// terminal) on a dark rounded square. Run it with `go generate ./assets`.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const (
	size = 512
	ss   = 4 // samples per pixel along each axis
)

type rgba struct{ r, g, b, a float64 }

func over(dst, src rgba) rgba {
	a := src.a + dst.a*(1-src.a)
	if a == 0 {
		return rgba{}
	}
	mix := func(d, s float64) float64 { return (s*src.a + d*dst.a*(1-src.a)) / a }
	return rgba{mix(dst.r, src.r), mix(dst.g, src.g), mix(dst.b, src.b), a}
}

// roundedRect is the signed distance to a rectangle with rounded corners.
func roundedRect(x, y, x0, y0, x1, y1, r float64) float64 {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	hx, hy := (x1-x0)/2-r, (y1-y0)/2-r
	dx, dy := math.Abs(x-cx)-hx, math.Abs(y-cy)-hy
	out := math.Hypot(math.Max(dx, 0), math.Max(dy, 0))
	return out + math.Min(math.Max(dx, dy), 0) - r
}

// segment is the distance to the segment from a to b.
func segment(x, y, ax, ay, bx, by float64) float64 {
	px, py, vx, vy := x-ax, y-ay, bx-ax, by-ay
	t := math.Max(0, math.Min(1, (px*vx+py*vy)/(vx*vx+vy*vy)))
	return math.Hypot(px-vx*t, py-vy*t)
}

func sample(x, y float64) rgba {
	var c rgba
	if roundedRect(x, y, 24, 24, 488, 488, 104) <= 0 {
		t := (y - 24) / 464
		top, bottom := rgba{0.19, 0.22, 0.36, 1}, rgba{0.08, 0.09, 0.16, 1}
		c = rgba{top.r + (bottom.r-top.r)*t, top.g + (bottom.g-top.g)*t, top.b + (bottom.b-top.b)*t, 1}
	}
	// Subtle inner border.
	if d := roundedRect(x, y, 24, 24, 488, 488, 104); d <= 0 && d > -6 {
		c = over(c, rgba{1, 1, 1, 0.06})
	}
	// The prompt: a chevron in teal...
	const w = 22.0
	if math.Min(segment(x, y, 140, 168, 244, 256), segment(x, y, 244, 256, 140, 344)) <= w {
		c = over(c, rgba{0.24, 0.86, 0.77, 1})
	}
	// ...and the cursor in amber.
	if roundedRect(x, y, 266, 318, 384, 362, 20) <= 0 {
		c = over(c, rgba{1.0, 0.71, 0.33, 1})
	}
	return c
}

func main() {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					c := sample(float64(px)+(float64(sx)+0.5)/ss, float64(py)+(float64(sy)+0.5)/ss)
					r += c.r * c.a
					g += c.g * c.a
					b += c.b * c.a
					a += c.a
				}
			}
			n := float64(ss * ss)
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a * 255)), G: uint8(math.Round(g / a * 255)),
				B: uint8(math.Round(b / a * 255)), A: uint8(math.Round(a / n * 255)),
			})
		}
	}
	f, err := os.Create("icon.png")
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
