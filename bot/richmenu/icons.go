package richmenu

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"

	"github.com/sammachip/sammachip/flows"
)

// An icon is drawn in a square of 100×100 units: the caller's disc fills
// it, and the shapes sit in about 18..82. Shapes are filled polygons and
// Bézier curves rasterised with golang.org/x/image/vector; a shape with a
// hole winds the hole the other way round.

// pen draws icon units into a rasteriser covering one icon's box.
type pen struct {
	r     *vector.Rasterizer
	scale float32 // pixels per unit
}

func (p pen) pt(x, y float32) (float32, float32) { return x * p.scale, y * p.scale }
func (p pen) moveTo(x, y float32)                { p.r.MoveTo(p.pt(x, y)) }
func (p pen) lineTo(x, y float32)                { p.r.LineTo(p.pt(x, y)) }

// poly fills the polygon through pts (x, y pairs).
func (p pen) poly(pts ...float32) { p.path(false, pts...) }

// path adds the polygon through pts wound clockwise on screen, like every
// other shape here (so that overlapping shapes add up rather than cancel
// out), or anticlockwise when reverse is set (to cut a hole in a shape
// added before it).
func (p pen) path(reverse bool, pts ...float32) {
	var area float32 // twice the signed area; positive is clockwise on screen
	n := len(pts) / 2
	for i := range n {
		j := (i + 1) % n
		area += pts[2*i]*pts[2*j+1] - pts[2*j]*pts[2*i+1]
	}
	at := func(i int) (float32, float32) { return pts[2*i], pts[2*i+1] }
	if (area < 0) != reverse {
		at = func(i int) (float32, float32) { return pts[2*(n-1-i)], pts[2*(n-1-i)+1] }
	}
	p.moveTo(at(0))
	for i := 1; i < n; i++ {
		p.lineTo(at(i))
	}
	p.r.ClosePath()
}

// rect fills an axis-aligned rectangle; reverse winds it the other way
// (to cut a hole in a shape added before it).
func (p pen) rect(x, y, w, h float32, reverse bool) {
	p.path(reverse, x, y, x+w, y, x+w, y+h, x, y+h)
}

// kappa places cubic control points to approximate a quarter circle.
const kappa = 0.5523

// roundRect fills a rectangle with corners of radius rad.
func (p pen) roundRect(x, y, w, h, rad float32, reverse bool) {
	k := rad * (1 - kappa)
	type seg struct{ lx, ly, c1x, c1y, c2x, c2y, ex, ey float32 }
	segs := []seg{ // clockwise on screen, from the top left
		{x + w - rad, y, x + w - k, y, x + w, y + k, x + w, y + rad},
		{x + w, y + h - rad, x + w, y + h - k, x + w - k, y + h, x + w - rad, y + h},
		{x + rad, y + h, x + k, y + h, x, y + h - k, x, y + h - rad},
		{x, y + rad, x, y + k, x + k, y, x + rad, y},
	}
	if reverse {
		// The same outline backwards: each corner's curve runs from its
		// end to its start, then a line to the previous corner's end.
		p.moveTo(x+rad, y)
		for i := len(segs) - 1; i >= 0; i-- {
			s := segs[i]
			p.r.CubeTo(s.c2x*p.scale, s.c2y*p.scale, s.c1x*p.scale, s.c1y*p.scale, s.lx*p.scale, s.ly*p.scale)
			prev := segs[(i+len(segs)-1)%len(segs)]
			p.lineTo(prev.ex, prev.ey)
		}
		p.r.ClosePath()
		return
	}
	p.moveTo(x+rad, y)
	for _, s := range segs {
		p.lineTo(s.lx, s.ly)
		p.r.CubeTo(s.c1x*p.scale, s.c1y*p.scale, s.c2x*p.scale, s.c2y*p.scale, s.ex*p.scale, s.ey*p.scale)
	}
	p.r.ClosePath()
}

// circle fills a circle.
func (p pen) circle(cx, cy, rad float32, reverse bool) {
	p.ellipse(cx, cy, rad, rad, reverse)
}

func (p pen) ellipse(cx, cy, rx, ry float32, reverse bool) {
	kx, ky := rx*kappa, ry*kappa
	s := p.scale
	if reverse {
		p.moveTo(cx+rx, cy)
		p.r.CubeTo((cx+rx)*s, (cy-ky)*s, (cx+kx)*s, (cy-ry)*s, cx*s, (cy-ry)*s)
		p.r.CubeTo((cx-kx)*s, (cy-ry)*s, (cx-rx)*s, (cy-ky)*s, (cx-rx)*s, cy*s)
		p.r.CubeTo((cx-rx)*s, (cy+ky)*s, (cx-kx)*s, (cy+ry)*s, cx*s, (cy+ry)*s)
		p.r.CubeTo((cx+kx)*s, (cy+ry)*s, (cx+rx)*s, (cy+ky)*s, (cx+rx)*s, cy*s)
		p.r.ClosePath()
		return
	}
	p.moveTo(cx+rx, cy)
	p.r.CubeTo((cx+rx)*s, (cy+ky)*s, (cx+kx)*s, (cy+ry)*s, cx*s, (cy+ry)*s)
	p.r.CubeTo((cx-kx)*s, (cy+ry)*s, (cx-rx)*s, (cy+ky)*s, (cx-rx)*s, cy*s)
	p.r.CubeTo((cx-rx)*s, (cy-ky)*s, (cx-kx)*s, (cy-ry)*s, cx*s, (cy-ry)*s)
	p.r.CubeTo((cx+kx)*s, (cy-ry)*s, (cx+rx)*s, (cy-ky)*s, (cx+rx)*s, cy*s)
	p.r.ClosePath()
}

// ring fills the band between two circles.
func (p pen) ring(cx, cy, rad, width float32) {
	p.circle(cx, cy, rad, false)
	p.circle(cx, cy, rad-width, true)
}

// stroke fills a straight band of width w from (x1, y1) to (x2, y2), with
// round ends.
func (p pen) stroke(x1, y1, x2, y2, w float32) {
	dx, dy := x2-x1, y2-y1
	n := float32(math.Hypot(float64(dx), float64(dy)))
	if n == 0 {
		return
	}
	ox, oy := -dy/n*w/2, dx/n*w/2
	p.poly(x1+ox, y1+oy, x2+ox, y2+oy, x2-ox, y2-oy, x1-ox, y1-oy)
	p.circle(x1, y1, w/2, false)
	p.circle(x2, y2, w/2, false)
}

// person is a head and shoulders centred on cx, standing on base.
func (p pen) person(cx, base, size float32) {
	p.circle(cx, base-size*0.78, size*0.22, false)
	p.roundRect(cx-size*0.36, base-size*0.48, size*0.72, size*0.48, size*0.2, false)
}

// layer is one colour of an icon: shapes filled together.
type layer struct {
	fg    bool // the icon colour; false: the disc's colour (to cut)
	alpha uint8
	draw  func(p pen)
}

// iconLayers gives each menu item its picture.
func iconLayers(item flows.MenuItem, fs faces) []layer {
	solid := func(f func(p pen)) layer { return layer{fg: true, alpha: 255, draw: f} }
	cut := func(f func(p pen)) layer { return layer{fg: false, alpha: 255, draw: f} }
	calendar := []layer{
		solid(func(p pen) {
			p.roundRect(20, 26, 60, 54, 7, false)
			p.rect(24, 42, 52, 34, true) // the page under the header
		}),
		solid(func(p pen) {
			for row := range 3 {
				for col := range 4 {
					p.rect(28+float32(col)*12, 46+float32(row)*10, 8, 6, false)
				}
			}
			p.roundRect(31, 18, 7, 16, 3, false)
			p.roundRect(62, 18, 7, 16, 3, false)
		}),
	}
	switch item {
	case flows.ItemApply, flows.ItemStatus: // a house
		return []layer{
			solid(func(p pen) {
				p.poly(50, 16, 86, 48, 78, 48, 78, 82, 22, 82, 22, 48, 14, 48)
				p.rect(43, 60, 14, 22, true) // the door
			}),
		}
	case flows.ItemSchedule, flows.ItemSetSchedule:
		if item == flows.ItemSetSchedule {
			// The officer's: a calendar with a pencil across its corner.
			return append(calendar,
				cut(func(p pen) { p.stroke(52, 84, 84, 52, 16) }),
				solid(func(p pen) {
					p.stroke(56, 80, 80, 56, 8)
					p.poly(50, 86, 53, 77, 59, 83)
				}))
		}
		return calendar
	case flows.ItemHere: // a tick in a ring
		return []layer{solid(func(p pen) {
			p.ring(50, 50, 34, 6)
			p.stroke(34, 51, 45, 62, 8)
			p.stroke(45, 62, 67, 39, 8)
		})}
	case flows.ItemMyInfo: // a person on a card
		return []layer{
			solid(func(p pen) {
				p.roundRect(18, 24, 64, 52, 8, false)
				p.roundRect(23, 29, 54, 42, 4, true)
			}),
			solid(func(p pen) {
				p.person(37, 66, 32)
				p.rect(56, 40, 18, 5, false)
				p.rect(56, 50, 18, 5, false)
				p.rect(56, 60, 12, 5, false)
			}),
		}
	case flows.ItemHelp: // a question mark in a ring
		return []layer{
			solid(func(p pen) { p.ring(50, 50, 34, 6) }),
			{fg: true, alpha: 255, draw: func(p pen) { glyphCentred(p, fs.latinScript(), "?", 50, 50, 50) }},
		}
	case flows.ItemLanguage: // ก and A in two speech bubbles
		return []layer{
			solid(func(p pen) {
				p.roundRect(14, 20, 44, 36, 8, false)
				p.poly(24, 54, 36, 54, 22, 66)
			}),
			{fg: true, alpha: 150, draw: func(p pen) {
				p.roundRect(44, 42, 42, 34, 8, false)
				p.poly(72, 74, 62, 74, 76, 86)
			}},
			cut(func(p pen) { glyphCentred(p, fs.thaiScript(), "ก", 36, 38, 30) }),
			cut(func(p pen) { glyphCentred(p, fs.latinScript(), "A", 65, 59, 27) }),
		}
	case flows.ItemRollCall: // a clipboard with ticks
		return []layer{
			solid(func(p pen) {
				p.roundRect(24, 20, 52, 66, 6, false)
				p.rect(29, 30, 42, 51, true)
			}),
			solid(func(p pen) {
				p.roundRect(38, 14, 24, 12, 4, false)
				for i := range 3 {
					y := 42 + float32(i)*13
					p.stroke(34, y, 38, y+4, 3.5)
					p.stroke(38, y+4, 44, y-3, 3.5)
					p.rect(49, y-1, 17, 4, false)
				}
			}),
		}
	case flows.ItemTeam: // three people
		return []layer{
			{fg: true, alpha: 170, draw: func(p pen) {
				p.person(29, 76, 34)
				p.person(71, 76, 34)
			}},
			cut(func(p pen) {
				p.circle(50, 36, 13, false)
				p.roundRect(30, 48, 40, 34, 14, false)
			}),
			solid(func(p pen) { p.person(50, 80, 44) }),
		}
	case flows.ItemEnrol: // a person and a plus
		return []layer{solid(func(p pen) {
			p.person(40, 80, 50)
			p.stroke(72, 30, 72, 54, 7)
			p.stroke(60, 42, 84, 42, 7)
		})}
	case flows.ItemSummary: // a bar chart
		return []layer{solid(func(p pen) {
			p.rect(18, 78, 64, 5, false)
			p.roundRect(24, 50, 13, 28, 2, false)
			p.roundRect(43, 28, 13, 50, 2, false)
			p.roundRect(62, 40, 13, 38, 2, false)
		})}
	case flows.ItemPending: // a clock: waiting
		return []layer{solid(func(p pen) {
			p.ring(50, 50, 34, 6)
			p.stroke(50, 50, 50, 29, 7)
			p.stroke(50, 50, 65, 59, 7)
		})}
	case flows.ItemSelect: // a funnel
		return []layer{solid(func(p pen) {
			p.poly(16, 20, 84, 20, 58, 50, 58, 76, 42, 86, 42, 50)
		})}
	case flows.ItemExport: // an arrow down into a tray
		return []layer{solid(func(p pen) {
			p.rect(44, 16, 12, 34, false)
			p.poly(30, 46, 70, 46, 50, 68)
			p.rect(18, 60, 9, 24, false)
			p.rect(73, 60, 9, 24, false)
			p.rect(18, 76, 64, 8, false)
		})}
	}
	return nil
}

// glyphCentred adds text's outlines to p, centred on (cx, cy) by its ink,
// at size units.
func glyphCentred(p pen, s script, text string, cx, cy, size float32) {
	l := shapeLine(s, text, float64(size*p.scale))
	scale := l.px / float64(l.out.Face.Upem())
	// The ink box of the whole run, in pixels from the pen's start on the
	// baseline (y down).
	minX, maxX := math.Inf(1), math.Inf(-1)
	minY, maxY := math.Inf(1), math.Inf(-1)
	pen0 := 0.0
	for _, g := range l.out.Glyphs {
		if ext, ok := l.out.Face.GlyphExtents(g.GlyphID); ok && ext.Width != 0 {
			x0 := pen0 + float64(g.XOffset)/64 + float64(ext.XBearing)*scale
			top := -float64(g.YOffset)/64 - float64(ext.YBearing)*scale
			minX, maxX = min(minX, x0), max(maxX, x0+float64(ext.Width)*scale)
			minY, maxY = min(minY, top), max(maxY, top-float64(ext.Height)*scale)
		}
		pen0 += float64(g.Advance) / 64
	}
	if math.IsInf(minX, 0) {
		return
	}
	x := float64(cx*p.scale) - (minX+maxX)/2
	y := float64(cy*p.scale) - (minY+maxY)/2
	pen0 = 0
	for _, g := range l.out.Glyphs {
		if o, ok := glyphOutline(l, g.GlyphID); ok {
			addOutline(p.r, o, x+pen0+float64(g.XOffset)/64, y-float64(g.YOffset)/64, scale)
		}
		pen0 += float64(g.Advance) / 64
	}
}

// drawIcon draws item's icon on a disc of diameter d centred on (cx, cy):
// the disc in bg, the shapes in fg.
func drawIcon(dst draw.Image, item flows.MenuItem, fs faces, cx, cy, d int, bg, fg color.RGBA) {
	box := image.Rect(cx-d/2, cy-d/2, cx-d/2+d, cy-d/2+d)
	var r vector.Rasterizer
	p := pen{r: &r, scale: float32(d) / 100}
	fill := func(c color.Color, f func(pen)) {
		r.Reset(d, d)
		f(p)
		r.Draw(dst, box, image.NewUniform(c), image.Point{})
	}
	fill(bg, func(p pen) { p.circle(50, 50, 50, false) })
	for _, l := range iconLayers(item, fs) {
		c := bg
		if l.fg {
			c = fg
		}
		c = blend(bg, c, l.alpha)
		fill(c, l.draw)
	}
}

// blend mixes b over a at alpha (opaque result).
func blend(a, b color.RGBA, alpha uint8) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8((int(x)*(255-int(alpha)) + int(y)*int(alpha) + 127) / 255) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}
