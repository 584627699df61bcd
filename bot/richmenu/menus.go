// Package richmenu gives each role its LINE rich menu: it draws the menu
// images itself (Thai labels shaped with HarfBuzz from Noto Sans Thai,
// icons from vector shapes), creates the menus through LINE's API, and
// keeps each user linked to their role's menu as roles change.
//
// The menus are the same for Thai and English readers: each cell has its
// Thai label, and the English one in small print under it. A tap is a
// postback (flows.MenuItem.Data) whose display text is the Thai label, so
// that the chat reads as if the user had said it, and so that a tap in the
// middle of a form leaves the form rather than answering its question.
package richmenu

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"golang.org/x/image/vector"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// Image size and grid. 2500×1686 is LINE's large full-width menu; the
// grid is Cols columns (3 unless a menu says more) by 2 rows, and each
// cell is one tap area.
const (
	Width  = 2500
	Height = 1686
	Cols   = 3
	Rows   = 2
)

// Menu is one rich menu: the role's menu name and its items in reading
// order (left to right, then the next row), Columns()×Rows of them.
type Menu struct {
	Name  flows.MenuName
	Items []flows.MenuItem
	// Cols, when set, is the menu's number of columns instead of Cols:
	// the officer's menu has eight cells.
	Cols int
	// Accent colours the icons' discs; Tint is the background between the
	// cells. Each role has its own, so that a user sees their menu change.
	Accent, Tint color.RGBA
}

// Menus are the role menus, the villagers' (LINE's default) first. Each
// offers what its role does next: a villager applies; a household (which
// no longer needs to apply) checks its days, says it is here and sees its
// status; a sage takes the roll call, sees the team and enrols households
// without LINE; an officer follows the programme. Everyone has their data,
// help, and the language (a sage's from help's chips: six cells).
func Menus() []Menu {
	return []Menu{
		{Name: flows.MenuVillager,
			Items:  []flows.MenuItem{flows.ItemApply, flows.ItemSchedule, flows.ItemHere, flows.ItemMyInfo, flows.ItemHelp, flows.ItemLanguage},
			Accent: color.RGBA{0x2e, 0x7d, 0x32, 0xff}, Tint: color.RGBA{0xdc, 0xee, 0xdd, 0xff}},
		{Name: flows.MenuHousehold,
			Items:  []flows.MenuItem{flows.ItemSchedule, flows.ItemHere, flows.ItemStatus, flows.ItemMyInfo, flows.ItemHelp, flows.ItemLanguage},
			Accent: color.RGBA{0x00, 0x69, 0x5c, 0xff}, Tint: color.RGBA{0xd5, 0xec, 0xe9, 0xff}},
		{Name: flows.MenuSage,
			Items:  []flows.MenuItem{flows.ItemSchedule, flows.ItemRollCall, flows.ItemTeam, flows.ItemEnrol, flows.ItemMyInfo, flows.ItemHelp},
			Accent: color.RGBA{0xb4, 0x53, 0x09, 0xff}, Tint: color.RGBA{0xf8, 0xe6, 0xd4, 0xff}},
		{Name: flows.MenuOfficer, Cols: 4,
			Items: []flows.MenuItem{flows.ItemSummary, flows.ItemPending, flows.ItemSetSchedule, flows.ItemSelect,
				flows.ItemExport, flows.ItemMyInfo, flows.ItemHelp, flows.ItemLanguage},
			Accent: color.RGBA{0x1f, 0x4e, 0x99, 0xff}, Tint: color.RGBA{0xdb, 0xe4, 0xf3, 0xff}},
	}
}

// Columns is the menu's number of columns.
func (m Menu) Columns() int {
	if m.Cols > 0 {
		return m.Cols
	}
	return Cols
}

// MenuNamed returns the menu called name.
func MenuNamed(name flows.MenuName) (Menu, bool) {
	for _, m := range Menus() {
		if m.Name == name {
			return m, true
		}
	}
	return Menu{}, false
}

// aliasPrefix starts every alias and menu name of this program's menus, so
// that re-applying finds the old ones and leaves other menus alone.
const aliasPrefix = "sammachip-"

// Alias is the menu's rich menu alias (and name) at LINE.
func (m Menu) Alias() string { return aliasPrefix + string(m.Name) }

// Area is the tap area of the menu's i-th item.
func (m Menu) Area(i int) image.Rectangle {
	cols := m.Columns()
	col, row := i%cols, i/cols
	return image.Rect(col*Width/cols, row*Height/Rows, (col+1)*Width/cols, (row+1)*Height/Rows)
}

// LabelKey is the catalog key of an item's label.
func LabelKey(item flows.MenuItem) string { return "richmenu.item." + string(item) + ".label" }

// ChatBarKey is the catalog key of a menu's chat-bar text.
func ChatBarKey(name flows.MenuName) string { return "richmenu.chatbar." + string(name) }

// Request is the menu's definition for LINE's create call. The labels come
// from the Thai catalog: the same menu serves every reader.
func (m Menu) Request(cat *locales.Catalog) (*messaging_api.RichMenuRequest, error) {
	bar, err := cat.Text(locales.Thai, ChatBarKey(m.Name), nil)
	if err != nil {
		return nil, err
	}
	req := &messaging_api.RichMenuRequest{
		Size: &messaging_api.RichMenuSize{Width: Width, Height: Height},
		// Shown open: many users are new to LINE's menus.
		Selected:    true,
		Name:        m.Alias(),
		ChatBarText: bar,
	}
	for i, item := range m.Items {
		label, err := cat.Text(locales.Thai, LabelKey(item), nil)
		if err != nil {
			return nil, err
		}
		a := m.Area(i)
		req.Areas = append(req.Areas, messaging_api.RichMenuArea{
			Bounds: &messaging_api.RichMenuBounds{X: int64(a.Min.X), Y: int64(a.Min.Y), Width: int64(a.Dx()), Height: int64(a.Dy())},
			Action: &messaging_api.PostbackAction{Label: label, Data: item.Data(), DisplayText: label},
		})
	}
	return req, nil
}

// Cell layout, in pixels from the cell's top left.
const (
	cellInset    = 12  // the tinted gap around each cell
	cellRadius   = 44  // rounded corners
	iconDiameter = 320 // the disc
	iconCentreY  = 262
	thaiBaseline = 622
	enBaseline   = 744
	textMargin   = 44 // at least this much either side of a label
	thaiMaxPx    = 124
	thaiMinPx    = 84
	enMaxPx      = 62
	enMinPx      = 44
)

var (
	cellColour = color.RGBA{0xff, 0xff, 0xff, 0xff}
	thaiColour = color.RGBA{0x1a, 0x20, 0x2c, 0xff}
	enColour   = color.RGBA{0x4a, 0x55, 0x68, 0xff}
)

// labels are a menu's labels, shaped at one size per language (the
// largest at which every label of the menu fits its cell), so that the
// cells look alike.
type labels struct {
	thai, en []line
}

// maxLabelWidth is the widest a label may be drawn in one of the menu's
// cells.
func (m Menu) maxLabelWidth() float64 {
	return float64(m.Area(0).Dx() - 2*cellInset - 2*textMargin)
}

// shapeLabels shapes the menu's labels. It fails when a label does not
// fit even at the smallest size: a catalog text too long for the menu.
func (m Menu) shapeLabels(cat *locales.Catalog, fs faces) (labels, error) {
	var th, en []string
	for _, item := range m.Items {
		t, err := cat.Text(locales.Thai, LabelKey(item), nil)
		if err != nil {
			return labels{}, err
		}
		e, err := cat.Text(locales.English, LabelKey(item), nil)
		if err != nil {
			return labels{}, err
		}
		th, en = append(th, t), append(en, e)
	}
	shapeAll := func(s script, texts []string, maxPx, minPx float64) ([]line, error) {
		px := maxPx
		for _, t := range texts {
			l, ok := fitLine(s, t, px, minPx, m.maxLabelWidth())
			if !ok {
				return nil, fmt.Errorf("richmenu: label %q of the %s menu is too wide for its cell", t, m.Name)
			}
			px = l.px
		}
		out := make([]line, len(texts))
		for i, t := range texts {
			out[i] = shapeLine(s, t, px)
		}
		return out, nil
	}
	var ls labels
	var err error
	if ls.thai, err = shapeAll(fs.thaiScript(), th, thaiMaxPx, thaiMinPx); err != nil {
		return ls, err
	}
	ls.en, err = shapeAll(fs.latinScript(), en, enMaxPx, enMinPx)
	return ls, err
}

// Image draws the menu as a PNG of Width×Height. The same catalog gives
// the same bytes on every run.
func (m Menu) Image(cat *locales.Catalog) ([]byte, error) {
	fs, err := loadFaces()
	if err != nil {
		return nil, err
	}
	ls, err := m.shapeLabels(cat, fs)
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(m.Tint), image.Point{}, draw.Src)
	for i, item := range m.Items {
		a := m.Area(i)
		card := a.Inset(cellInset)
		var r vector.Rasterizer
		r.Reset(card.Dx(), card.Dy())
		pen{r: &r, scale: 1}.roundRect(0, 0, float32(card.Dx()), float32(card.Dy()), cellRadius, false)
		r.Draw(img, card, image.NewUniform(cellColour), image.Point{})

		cx := a.Min.X + a.Dx()/2
		drawIcon(img, item, fs, cx, a.Min.Y+iconCentreY, iconDiameter, m.Accent, cellColour)
		centre := func(l line, baseline int, c color.Color) {
			lo, hi := l.inkBounds()
			drawLine(img, l, float64(cx)-(lo+hi)/2, float64(a.Min.Y+baseline), c)
		}
		centre(ls.thai[i], thaiBaseline, thaiColour)
		centre(ls.en[i], enBaseline, enColour)
	}
	var b bytes.Buffer
	// Mostly flat colour: the fastest level is within a few per cent of the
	// smallest, and well under LINE's 1 MB.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
