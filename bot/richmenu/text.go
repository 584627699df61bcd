package richmenu

import (
	"bytes"
	"embed"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sync"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// The fonts are Noto Sans Thai Bold (the Thai labels) and Noto Sans
// Regular (the English small print and the few Latin shapes of the
// icons), both copied unmodified from Debian's fonts-noto-core under the
// SIL Open Font License 1.1 (fonts/OFL.txt). Noto Sans Thai has no Latin
// letters, hence the second font. The licence is embedded with them, so
// that it travels in the binary that carries the fonts.
//
//go:embed fonts/NotoSansThai-Bold.ttf fonts/NotoSans-Regular.ttf fonts/OFL.txt
var fontFS embed.FS

// faces are the parsed fonts. A font.Face is safe for concurrent use
// once parsed; shaping keeps its own state per call.
type faces struct {
	thai, latin *font.Face
}

var loadFaces = sync.OnceValues(func() (faces, error) {
	parse := func(name string) (*font.Face, error) {
		b, err := fontFS.ReadFile("fonts/" + name)
		if err != nil {
			return nil, err
		}
		f, err := font.ParseTTF(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("richmenu: font %s: %w", name, err)
		}
		return f, nil
	}
	var fs faces
	var err error
	if fs.thai, err = parse("NotoSansThai-Bold.ttf"); err != nil {
		return fs, err
	}
	fs.latin, err = parse("NotoSans-Regular.ttf")
	return fs, err
})

// script says how to shape a line: which font, script and language.
type script struct {
	face   *font.Face
	script language.Script
	lang   language.Language
}

func (f faces) thaiScript() script {
	return script{face: f.thai, script: language.Thai, lang: language.NewLanguage("th")}
}

func (f faces) latinScript() script {
	return script{face: f.latin, script: language.Latin, lang: language.NewLanguage("en")}
}

// line is a shaped line of text at a pixel size.
type line struct {
	out shaping.Output
	px  float64
}

// shapeLine shapes text with HarfBuzz (go-text's port): Thai vowels and
// tone marks get their positions from the font's mark-positioning tables,
// so that they sit on the right consonant, stacked when there are two.
func shapeLine(s script, text string, px float64) line {
	runes := []rune(text)
	var sh shaping.HarfbuzzShaper
	out := sh.Shape(shaping.Input{
		Text:      runes,
		RunStart:  0,
		RunEnd:    len(runes),
		Direction: di.DirectionLTR,
		Face:      s.face,
		Size:      fixed.Int26_6(px * 64),
		Script:    s.script,
		Language:  s.lang,
	})
	return line{out: out, px: px}
}

// Width is the shaped advance width in pixels.
func (l line) Width() float64 { return float64(l.out.Advance) / 64 }

// inkBounds is the tight horizontal extent of the glyphs' outlines, in
// pixels from the pen's start: marks may overhang the advance a little.
func (l line) inkBounds() (minX, maxX float64) {
	scale := l.px / float64(l.out.Face.Upem())
	pen := 0.0
	minX, maxX = 0, l.Width()
	for _, g := range l.out.Glyphs {
		ext, ok := l.out.Face.GlyphExtents(g.GlyphID)
		if ok && ext.Width != 0 {
			x0 := pen + float64(g.XOffset)/64 + float64(ext.XBearing)*scale
			x1 := x0 + float64(ext.Width)*scale
			minX, maxX = min(minX, x0), max(maxX, x1)
		}
		pen += float64(g.Advance) / 64
	}
	return minX, maxX
}

// fitLine shapes text at px, or smaller (down to minPx) until it is no
// wider than maxW. The second result is false when even minPx is too
// wide: the caller's layout is wrong, and tests catch it.
func fitLine(s script, text string, px, minPx, maxW float64) (line, bool) {
	for ; px >= minPx; px -= 2 {
		l := shapeLine(s, text, px)
		lo, hi := l.inkBounds()
		if hi-lo <= maxW {
			return l, true
		}
	}
	return shapeLine(s, text, minPx), false
}

// drawLine fills the line's glyph outlines in c with the baseline's start
// at (x, y). Outlines are rasterised with golang.org/x/image/vector: one
// rasteriser for the whole line, covering only the line's box.
func drawLine(dst draw.Image, l line, x, y float64, c color.Color) {
	face := l.out.Face
	scale := l.px / float64(face.Upem())
	// The box: generous vertically for stacked marks, and a margin
	// either side for overhangs.
	lo, hi := l.inkBounds()
	em := l.px
	box := image.Rect(int(x+lo-4), int(y-1.6*em), int(x+hi+5), int(y+0.8*em)).Intersect(dst.Bounds())
	if box.Empty() {
		return
	}
	var r vector.Rasterizer
	r.Reset(box.Dx(), box.Dy())
	ox, oy := x-float64(box.Min.X), y-float64(box.Min.Y)
	pen := 0.0
	for _, g := range l.out.Glyphs {
		gx := ox + pen + float64(g.XOffset)/64
		gy := oy - float64(g.YOffset)/64
		if outline, ok := glyphOutline(l, g.GlyphID); ok {
			addOutline(&r, outline, gx, gy, scale)
		}
		pen += float64(g.Advance) / 64
	}
	r.Draw(dst, box, image.NewUniform(c), image.Point{})
}

// addOutline adds a glyph outline (font units, y up) to r with its origin
// at (x, y) in r's pixels (y down).
func addOutline(r *vector.Rasterizer, o font.GlyphOutline, x, y, scale float64) {
	pt := func(p ot.SegmentPoint) (float32, float32) {
		return float32(x + float64(p.X)*scale), float32(y - float64(p.Y)*scale)
	}
	open := false
	for _, s := range o.Segments {
		switch s.Op {
		case ot.SegmentOpMoveTo:
			if open {
				r.ClosePath()
			}
			r.MoveTo(pt(s.Args[0]))
			open = true
		case ot.SegmentOpLineTo:
			r.LineTo(pt(s.Args[0]))
		case ot.SegmentOpQuadTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			r.QuadTo(x1, y1, x2, y2)
		case ot.SegmentOpCubeTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			x3, y3 := pt(s.Args[2])
			r.CubeTo(x1, y1, x2, y2, x3, y3)
		}
	}
	if open {
		r.ClosePath()
	}
}

// glyphOutline is a glyph's vector outline, when it has one.
func glyphOutline(l line, gid font.GID) (font.GlyphOutline, bool) {
	o, ok := l.out.Face.GlyphData(gid).(font.GlyphOutline)
	return o, ok
}
