package richmenu

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

var testCatalog = locales.MustLoad()

// drawAll draws every menu.
func drawAll() (map[flows.MenuName][]byte, error) {
	out := map[flows.MenuName][]byte{}
	for _, m := range Menus() {
		b, err := m.Image(testCatalog)
		if err != nil {
			return nil, fmt.Errorf("%s: Image: %w", m.Name, err)
		}
		out[m.Name] = b
	}
	return out, nil
}

// drawnOnce is every menu drawn once, shared by the tests (drawing under
// the race detector is slow).
var drawnOnce = sync.OnceValues(drawAll)

func menuImages(t *testing.T) map[flows.MenuName][]byte {
	t.Helper()
	imgs, err := drawnOnce()
	if err != nil {
		t.Fatal(err)
	}
	return imgs
}

// TestImagesMeetLINESizeRules checks what LINE's upload endpoint checks:
// PNG, 800–2500 px wide, at least 250 px tall, width/height ≥ 1.45, at most
// 1 MB, and the size of the menu it is for.
func TestImagesMeetLINESizeRules(t *testing.T) {
	imgs := menuImages(t)
	for _, m := range Menus() {
		t.Run(string(m.Name), func(t *testing.T) {
			b := imgs[m.Name]
			if len(b) > 1_000_000 {
				t.Errorf("image is %d bytes, want at most 1,000,000", len(b))
			}
			img, format, err := image.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if format != "png" {
				t.Errorf("format %q, want png", format)
			}
			w, h := img.Bounds().Dx(), img.Bounds().Dy()
			if w < 800 || w > 2500 || h < 250 {
				t.Errorf("size %dx%d, want 800–2500 wide and at least 250 tall", w, h)
			}
			if r := float64(w) / float64(h); r < 1.45 {
				t.Errorf("width/height %.3f, want at least 1.45", r)
			}
			req, err := m.Request(testCatalog)
			if err != nil {
				t.Fatal(err)
			}
			if int64(w) != req.Size.Width || int64(h) != req.Size.Height {
				t.Errorf("image %dx%d, menu %dx%d: LINE refuses an image of another size", w, h, req.Size.Width, req.Size.Height)
			}
		})
	}
}

func TestImagesAreDeterministic(t *testing.T) {
	first := menuImages(t)
	second, err := drawAll()
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range first {
		if !bytes.Equal(b, second[name]) {
			t.Errorf("%s: two runs drew different bytes", name)
		}
	}
}

// TestImagesShowTheirMenu guards against a blank or mis-coloured image:
// each cell has its role's colour (the icon's disc) and dark label ink.
func TestImagesShowTheirMenu(t *testing.T) {
	imgs := menuImages(t)
	for _, m := range Menus() {
		img, err := png.Decode(bytes.NewReader(imgs[m.Name]))
		if err != nil {
			t.Fatal(err)
		}
		for i := range m.Items {
			a := m.Area(i)
			disc := img.At(a.Min.X+a.Dx()/2-iconDiameter/2+12, a.Min.Y+iconCentreY)
			if r, g, b, _ := disc.RGBA(); r>>8 != uint32(m.Accent.R) || g>>8 != uint32(m.Accent.G) || b>>8 != uint32(m.Accent.B) {
				t.Errorf("%s cell %d: icon disc colour %v, want %v", m.Name, i, disc, m.Accent)
			}
			dark := 0
			for y := a.Min.Y + thaiBaseline - 80; y < a.Min.Y+thaiBaseline; y++ {
				for x := a.Min.X; x < a.Max.X; x++ {
					if r, g, b, _ := img.At(x, y).RGBA(); r+g+b < 3*0x4000 {
						dark++
					}
				}
			}
			if dark < 2000 {
				t.Errorf("%s cell %d: %d dark pixels where the label goes, want a label", m.Name, i, dark)
			}
		}
	}
}

// TestLabelsFitTheirCells measures the shaped labels: each fits its cell
// with a margin either side, at a size readable on a small phone (the
// 2500-px image is about 360 points wide there), without touching the
// icon above or the line below.
func TestLabelsFitTheirCells(t *testing.T) {
	fs, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range Menus() {
		card := m.Area(0).Inset(cellInset)
		ls, err := m.shapeLabels(testCatalog, fs)
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		for i, item := range m.Items {
			for _, c := range []struct {
				lang     string
				l        line
				minPx    float64
				baseline int
			}{{"th", ls.thai[i], thaiMinPx, thaiBaseline}, {"en", ls.en[i], enMinPx, enBaseline}} {
				name := string(m.Name) + "/" + string(item) + "/" + c.lang
				lo, hi := c.l.inkBounds()
				if w := hi - lo; w > m.maxLabelWidth() {
					t.Errorf("%s: ink %.0f px wide, want at most %.0f", name, w, m.maxLabelWidth())
				}
				if c.l.Width() > float64(card.Dx()) {
					t.Errorf("%s: advance %.0f px, wider than the %d-px cell", name, c.l.Width(), card.Dx())
				}
				if c.l.px < c.minPx {
					t.Errorf("%s: drawn at %.0f px, want at least %.0f", name, c.l.px, c.minPx)
				}
				top := float64(c.baseline) - float64(c.l.out.GlyphBounds.Ascent)/64
				bottom := float64(c.baseline) - float64(c.l.out.GlyphBounds.Descent)/64
				if c.lang == "th" && top <= iconCentreY+iconDiameter/2 {
					t.Errorf("%s: ink top at %.0f, want below the icon (%d)", name, top, iconCentreY+iconDiameter/2)
				}
				if c.lang == "th" {
					enTop := float64(enBaseline) - float64(ls.en[i].out.GlyphBounds.Ascent)/64
					if bottom >= enTop {
						t.Errorf("%s: ink bottom at %.0f, want above the English line (%.0f)", name, bottom, enTop)
					}
				}
				if bottom >= float64(card.Dy()) {
					t.Errorf("%s: ink bottom at %.0f, want inside the cell (%d)", name, bottom, card.Dy())
				}
			}
		}
	}
}

func TestTooWideLabelIsRefused(t *testing.T) {
	fs, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := fitLine(fs.thaiScript(), strings.Repeat("ลงทะเบียน", 4), thaiMaxPx, thaiMinPx, Menus()[0].maxLabelWidth()); ok {
		t.Error("fitLine fitted a label four times too long")
	}
}

// TestRequestsFollowLINERules checks each menu's definition: its areas (six, or eight on a four-column menu)
// tiling the image exactly, postbacks within LINE's limits, a chat-bar
// text of at most 14 characters.
func TestRequestsFollowLINERules(t *testing.T) {
	for _, m := range Menus() {
		req, err := m.Request(testCatalog)
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if n := len(utf16.Encode([]rune(req.ChatBarText))); n == 0 || n > 14 {
			t.Errorf("%s: chat-bar text %q is %d characters, want 1–14", m.Name, req.ChatBarText, n)
		}
		if !strings.HasPrefix(req.Name, aliasPrefix) || !aliasOK(m.Alias()) {
			t.Errorf("%s: name %q / alias %q, want %s… matching ^[a-z0-9_-]{1,32}$", m.Name, req.Name, m.Alias(), aliasPrefix)
		}
		if n := m.Columns() * Rows; len(req.Areas) != n || len(m.Items) != n {
			t.Fatalf("%s: %d areas, %d items, want %d", m.Name, len(req.Areas), len(m.Items), n)
		}
		covered := 0
		for i, a := range req.Areas {
			b := a.Bounds
			r := image.Rect(int(b.X), int(b.Y), int(b.X+b.Width), int(b.Y+b.Height))
			if !r.In(image.Rect(0, 0, Width, Height)) {
				t.Errorf("%s area %d: %v outside the image", m.Name, i, r)
			}
			for j := range i {
				o := req.Areas[j].Bounds
				if !r.Intersect(image.Rect(int(o.X), int(o.Y), int(o.X+o.Width), int(o.Y+o.Height))).Empty() {
					t.Errorf("%s: areas %d and %d overlap", m.Name, j, i)
				}
			}
			covered += r.Dx() * r.Dy()
		}
		if covered != Width*Height {
			t.Errorf("%s: areas cover %d px, want the whole %d", m.Name, covered, Width*Height)
		}
	}
}

func aliasOK(s string) bool {
	if len(s) < 1 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// box is a glyph's ink box in pixels, y up.
type box struct{ x0, y0, x1, y1 float64 }

// glyphInk is where glyph gi of l is drawn, its pen starting at pen:
// its ink box and its ink as a mask on a canvas of the whole line (origin
// on the baseline at x = em, y = 2 em from the top).
func glyphInk(l line, gi int, pen float64) (box, *image.Alpha, bool) {
	g := l.out.Glyphs[gi]
	ext, ok := l.out.Face.GlyphExtents(g.GlyphID)
	o, hasOutline := glyphOutline(l, g.GlyphID)
	if !ok || ext.Width == 0 || !hasOutline {
		return box{}, nil, false
	}
	scale := l.px / float64(l.out.Face.Upem())
	x, y := pen+float64(g.XOffset)/64, float64(g.YOffset)/64
	x0 := x + float64(ext.XBearing)*scale
	top := y + float64(ext.YBearing)*scale
	b := box{x0, top + float64(ext.Height)*scale, x0 + float64(ext.Width)*scale, top}

	em := l.px
	w, h := int(l.Width()+2*em), int(3*em)
	var r vector.Rasterizer
	r.Reset(w, h)
	addOutline(&r, o, em+x, 2*em-y, scale)
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	r.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	return b, mask, true
}

// inkOverlap counts the pixels both masks cover at least half.
func inkOverlap(a, b *image.Alpha) int {
	n := 0
	for i := range a.Pix {
		if a.Pix[i] >= 128 && b.Pix[i] >= 128 {
			n++
		}
	}
	return n
}

// markProblems lists the marks (glyphs that take no room of their own:
// Thai vowels above and below, tone marks) that do not sit on their
// consonant: whose ink touches the consonant's or another mark's of the
// syllable, or that sit off to its side. cluster gives each glyph's
// syllable (the shaper's clusters when nil).
func markProblems(l line, cluster []int) []string {
	var problems []string
	type placed struct {
		b    box
		ink  *image.Alpha
		mark bool
	}
	clusters := map[int][]placed{}
	var order []int
	pen := 0.0
	for gi, g := range l.out.Glyphs {
		if b, ink, ok := glyphInk(l, gi, pen); ok {
			c := g.TextIndex()
			if cluster != nil {
				c = cluster[gi]
			}
			if _, seen := clusters[c]; !seen {
				order = append(order, c)
			}
			clusters[c] = append(clusters[c], placed{b: b, ink: ink, mark: g.Advance == 0})
		}
		pen += float64(g.Advance) / 64
	}
	em := l.px
	touch := int(0.0005 * em * em) // a few pixels of anti-aliased edge
	for _, c := range order {
		ps := clusters[c]
		for i, p := range ps {
			if !p.mark {
				continue
			}
			mid := (p.b.x0 + p.b.x1) / 2
			on, bases := false, 0
			for _, q := range ps {
				if q.mark {
					continue
				}
				bases++
				if mid >= q.b.x0-0.05*em && mid <= q.b.x1+0.05*em {
					on = true
				}
				if inkOverlap(p.ink, q.ink) > touch {
					problems = append(problems, "mark touches its consonant")
				}
			}
			if bases > 0 && !on {
				problems = append(problems, "mark off its consonant")
			}
			for _, q := range ps[:i] {
				if q.mark && inkOverlap(p.ink, q.ink) > touch {
					problems = append(problems, "marks overlap each other")
				}
			}
		}
	}
	return problems
}

// unshapedLine lays text out as a renderer without a shaper would: each
// character's default glyph from the font's character map, at its default
// place, with marks grouped with the character before them (the second
// result: each glyph's syllable).
func unshapedLine(s script, text string, px float64) (line, []int) {
	l := shapeLine(s, "", px)
	scale := px / float64(s.face.Upem())
	base := 0
	var cluster []int
	for i, r := range []rune(text) {
		gid, _ := s.face.NominalGlyph(r)
		adv := fixed.Int26_6(float64(s.face.HorizontalAdvance(gid)) * scale * 64)
		if adv != 0 {
			base = i
		}
		l.out.Glyphs = append(l.out.Glyphs, shaping.Glyph{GlyphID: gid, Advance: adv})
		cluster = append(cluster, base)
		l.out.Advance += adv
	}
	return l, cluster
}

// TestThaiMarksSitOnTheirConsonants shapes every Thai label, and words
// with the hard cases (two marks stacked, marks on tall consonants,
// consonants that lose their tail under a vowel), and checks that each
// mark sits over or under its consonant without overlapping it or the
// other mark. The same check on unshaped text (each character's default
// glyph at its default place) must find problems, or it proves nothing.
func TestThaiMarksSitOnTheirConsonants(t *testing.T) {
	fs, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	words := []string{"ปู่", "ญี่ปุ่น", "กิ๊ก", "ก๋วยเตี๋ยว", "น้ำ", "ฟื้น", "ปั้น", "ฐูป", "ที่นี่", "เชื่อ"}
	for _, m := range Menus() {
		for _, item := range m.Items {
			words = append(words, testCatalog.MustText(locales.Thai, LabelKey(item), nil))
		}
	}
	for _, w := range words {
		l := shapeLine(fs.thaiScript(), w, thaiMaxPx)
		if p := markProblems(l, nil); len(p) > 0 {
			t.Errorf("%s: %v", w, p)
		}
	}
	for _, w := range []string{"ปู่", "ญี่ปุ่น", "ฟื้น", "เชื่อ"} {
		if len(markProblems(unshapedLine(fs.thaiScript(), w, thaiMaxPx))) == 0 {
			t.Errorf("%s: the check finds nothing wrong with unshaped glyphs either: it cannot tell", w)
		}
	}
}

func TestIconsCoverEveryItem(t *testing.T) {
	fs, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range flows.MenuItems() {
		if len(iconLayers(item, fs)) == 0 {
			t.Errorf("%s: no icon", item)
		}
		if _, err := testCatalog.Text(locales.Thai, LabelKey(item), nil); err != nil {
			t.Errorf("%s: %v", item, err)
		}
	}
}
