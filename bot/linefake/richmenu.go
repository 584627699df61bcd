package linefake

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // register the JPEG decoder for image.DecodeConfig
	_ "image/png"  // register the PNG decoder for image.DecodeConfig
	"maps"
	"math"
	"mime"
	"net/http"
	"regexp"
	"slices"
)

// Rich menu limits (LINE.md, "Rich menus").
const (
	MaxRichMenuAreas      = 20
	MaxChatBarText        = 14
	MaxRichMenuImageBytes = 1_000_000 // "1 MB", read strictly
	MinRichMenuWidth      = 800
	MaxRichMenuWidth      = 2500
	MinRichMenuHeight     = 250
	MinRichMenuRatio      = 1.45 // width / height
)

var aliasRE = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

type richMenu struct {
	id            string
	def           obj // the create request as sent
	width, height int64
	image         []byte
	imageType     string
}

// RichMenuOf returns the rich menu a user sees: the one linked to the user,
// else the default, else "".
func (s *Server) RichMenuOf(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.userMenus[userID]; ok {
		return id
	}
	return s.defaultMenu
}

// LinkedRichMenu returns the rich menu linked to this user individually, or
// "" (the default menu does not count).
func (s *Server) LinkedRichMenu(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.userMenus[userID]
}

// DefaultRichMenu returns the default rich menu id, or "".
func (s *Server) DefaultRichMenu() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.defaultMenu
}

// RichMenuIDs returns the ids of existing rich menus in creation order.
func (s *Server) RichMenuIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.menuOrder)
}

// RichMenuAlias returns the rich menu an alias points to, or "".
func (s *Server) RichMenuAlias(aliasID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.aliases[aliasID]
}

// RichMenuImage returns a copy of the image uploaded for a rich menu and its
// content type; ok is false when there is no such menu or no image yet.
func (s *Server) RichMenuImage(richMenuID string) (data []byte, contentType string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, found := s.menus[richMenuID]
	if !found || m.image == nil {
		return nil, "", false
	}
	return bytes.Clone(m.image), m.imageType, true
}

// parseRichMenu validates a rich menu object (create and validate
// endpoints).
func parseRichMenu(body []byte) (obj, int64, int64, answer, bool) {
	x, err := decodeGeneric(body)
	if err != nil {
		return nil, 0, 0, fail(http.StatusBadRequest, "The request body could not be parsed as JSON"), false
	}
	var v verrs
	o, ok := v.asObject(x, "")
	if !ok {
		return nil, 0, 0, v.answer(), false
	}
	var w, h int64
	if size, ok := v.object(o, "size", "", true); ok {
		var wok, hok bool
		w, wok = v.integer(size, "width", "size", true, MinRichMenuWidth, MaxRichMenuWidth)
		h, hok = v.integer(size, "height", "size", true, MinRichMenuHeight, math.MaxInt32)
		if wok && hok && float64(w)/float64(h) < MinRichMenuRatio {
			v.add("size", "width/height must be at least %.2f (got %d/%d)", MinRichMenuRatio, w, h)
		}
	}
	switch sel, present := field(o, "selected"); {
	case !present:
		v.add("selected", "must be specified")
	default:
		if _, isBool := sel.(bool); !isBool {
			v.add("selected", "must be a boolean")
		}
	}
	v.text(o, "name", "", true, 300)
	v.text(o, "chatBarText", "", true, MaxChatBarText)
	if areas, ok := v.array(o, "areas", "", true); ok {
		v.count("areas", len(areas), 1, MaxRichMenuAreas, "areas")
		for i, a := range areas {
			p := idx("areas", i)
			ao, ok := v.asObject(a, p)
			if !ok {
				continue
			}
			if b, ok := v.object(ao, "bounds", p, true); ok {
				bp := join(p, "bounds")
				bx, xok := v.integer(b, "x", bp, true, 0, math.MaxInt32)
				by, yok := v.integer(b, "y", bp, true, 0, math.MaxInt32)
				bw, wok := v.integer(b, "width", bp, true, 1, math.MaxInt32)
				bh, hok := v.integer(b, "height", bp, true, 1, math.MaxInt32)
				if xok && yok && wok && hok && w > 0 && h > 0 && (bx+bw > w || by+bh > h) {
					v.add(bp, "area %d,%d %dx%d lies outside the %dx%d menu", bx, by, bw, bh, w, h)
				}
			}
			if ax, has := field(ao, "action"); has {
				validateAction(&v, ax, join(p, "action"), inRichMenu)
			} else {
				v.add(join(p, "action"), "must be specified")
			}
		}
	}
	if v.failed() {
		return nil, 0, 0, v.answer(), false
	}
	return o, w, h, answer{}, true
}

func (s *Server) handleCreateRichMenu(c *call) answer {
	def, w, h, a, ok := parseRichMenu(c.body)
	if !ok {
		return a
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := "richmenu-" + randomHex(16)
	s.menus[id] = &richMenu{id: id, def: def, width: w, height: h}
	s.menuOrder = append(s.menuOrder, id)
	return s.accepted(c, KindRichMenu, nil, map[string]string{"richMenuId": id})
}

func (s *Server) handleValidateRichMenu(c *call) answer {
	if _, _, _, a, ok := parseRichMenu(c.body); !ok {
		return a
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted(c, KindRichMenu, nil, struct{}{})
}

func (m *richMenu) response() obj {
	r := maps.Clone(m.def)
	r["richMenuId"] = m.id
	return r
}

func (s *Server) handleGetRichMenu(c *call) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.menus[c.params["richMenuId"]]
	if !ok {
		return notFound("no such rich menu")
	}
	return s.accepted(c, KindRichMenu, nil, m.response())
}

func (s *Server) handleListRichMenus(c *call) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []obj{}
	for _, id := range s.menuOrder {
		list = append(list, s.menus[id].response())
	}
	return s.accepted(c, KindRichMenu, nil, map[string]any{"richmenus": list})
}

func (s *Server) handleDeleteRichMenu(c *call) answer {
	id := c.params["richMenuId"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.menus[id]; !ok {
		return notFound("no such rich menu")
	}
	delete(s.menus, id)
	s.menuOrder = slices.DeleteFunc(s.menuOrder, func(x string) bool { return x == id })
	if s.defaultMenu == id {
		s.defaultMenu = ""
	}
	maps.DeleteFunc(s.userMenus, func(_, m string) bool { return m == id })
	maps.DeleteFunc(s.aliases, func(_, m string) bool { return m == id })
	return s.accepted(c, KindRichMenu, nil, struct{}{})
}

// handleUploadImage accepts one PNG or JPEG per menu whose pixel size equals
// the menu's size; LINE does not let an image be replaced.
func (s *Server) handleUploadImage(c *call) answer {
	mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	var wantFormat string
	switch mt {
	case "image/png":
		wantFormat = "png"
	case "image/jpeg":
		wantFormat = "jpeg"
	default:
		return fail(http.StatusUnsupportedMediaType, "Content-Type must be image/png or image/jpeg")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.menus[c.params["richMenuId"]]
	if !ok {
		return notFound("no such rich menu")
	}
	if len(c.body) > MaxRichMenuImageBytes {
		return fail(http.StatusRequestEntityTooLarge, "Request entity too large")
	}
	if m.image != nil {
		return fail(http.StatusBadRequest, "An image has already been uploaded to the richmenu")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(c.body))
	if err != nil {
		return fail(http.StatusBadRequest, "The image could not be read as PNG or JPEG")
	}
	if format != wantFormat {
		return fail(http.StatusBadRequest, "The image is "+format+" but Content-Type is "+mt)
	}
	if int64(cfg.Width) != m.width || int64(cfg.Height) != m.height {
		a := fail(http.StatusBadRequest, "The image size must match the rich menu size")
		a.reason += sizeNote(cfg.Width, cfg.Height, m.width, m.height)
		return a
	}
	m.image = bytes.Clone(c.body)
	m.imageType = mt
	return s.accepted(c, KindRichMenu, nil, struct{}{})
}

func sizeNote(w, h int, mw, mh int64) string {
	return fmt.Sprintf(": image %dx%d, menu %dx%d", w, h, mw, mh)
}

func (s *Server) handleDownloadImage(c *call) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.menus[c.params["richMenuId"]]
	if !ok || m.image == nil {
		return notFound("no such rich menu image")
	}
	a := s.accepted(c, KindRichMenu, nil, nil)
	a.raw = bytes.Clone(m.image)
	a.contentType = m.imageType
	return a
}

// linkable returns the menu if it exists and has an image (LINE refuses to
// show a menu without one).
func (s *Server) linkable(id string) (answer, bool) {
	m, ok := s.menus[id]
	if !ok {
		return notFound("no such rich menu"), false
	}
	if m.image == nil {
		return fail(http.StatusBadRequest, "must upload richmenu image before applying it to user"), false
	}
	return answer{}, true
}

func (s *Server) handleSetDefault(c *call) answer {
	id := c.params["richMenuId"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.linkable(id); !ok {
		return a
	}
	s.defaultMenu = id
	return s.accepted(c, KindRichMenu, nil, struct{}{})
}

func (s *Server) handleGetDefault(c *call) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.defaultMenu == "" {
		return notFound("no default rich menu")
	}
	return s.accepted(c, KindRichMenu, nil, map[string]string{"richMenuId": s.defaultMenu})
}

func (s *Server) handleDeleteDefault(c *call) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.defaultMenu = ""
	return s.accepted(c, KindRichMenu, nil, struct{}{})
}

func (s *Server) handleLinkUser(c *call) answer {
	user, id := c.params["userId"], c.params["richMenuId"]
	if !isUserID(user) {
		return fail(http.StatusBadRequest, "The user ID is invalid")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.linkable(id); !ok {
		return a
	}
	s.userMenus[user] = id
	return s.accepted(c, KindRichMenu, []string{user}, struct{}{})
}

func (s *Server) handleGetUserMenu(c *call) answer {
	user := c.params["userId"]
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.userMenus[user]
	if !ok {
		return notFound("no rich menu linked to " + user)
	}
	return s.accepted(c, KindRichMenu, []string{user}, map[string]string{"richMenuId": id})
}

func (s *Server) handleUnlinkUser(c *call) answer {
	user := c.params["userId"]
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.userMenus, user)
	return s.accepted(c, KindRichMenu, []string{user}, struct{}{})
}

type aliasBody struct {
	RichMenuAliasID string `json:"richMenuAliasId"`
	RichMenuID      string `json:"richMenuId"`
}

func (s *Server) handleCreateAlias(c *call) answer {
	var b aliasBody
	if a, ok := decodeJSON(c.body, &b); !ok {
		return a
	}
	var v verrs
	if !aliasRE.MatchString(b.RichMenuAliasID) {
		v.add("richMenuAliasId", "must match ^[a-z0-9_-]{1,32}$")
	}
	if b.RichMenuID == "" {
		v.add("richMenuId", "must be specified")
	}
	if v.failed() {
		return v.answer()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.menus[b.RichMenuID]; !ok {
		return fail(http.StatusBadRequest, "richmenu not found")
	}
	if _, dup := s.aliases[b.RichMenuAliasID]; dup {
		return fail(http.StatusBadRequest, "conflict richmenu alias id")
	}
	s.aliases[b.RichMenuAliasID] = b.RichMenuID
	return s.accepted(c, KindRichMenu, nil, struct{}{})
}

func (s *Server) handleUpdateAlias(c *call) answer {
	var b aliasBody
	if a, ok := decodeJSON(c.body, &b); !ok {
		return a
	}
	alias := c.params["aliasId"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.aliases[alias]; !ok {
		return notFound("no such rich menu alias")
	}
	if _, ok := s.menus[b.RichMenuID]; !ok {
		return fail(http.StatusBadRequest, "richmenu not found")
	}
	s.aliases[alias] = b.RichMenuID
	return s.accepted(c, KindRichMenu, nil, struct{}{})
}

func (s *Server) handleDeleteAlias(c *call) answer {
	alias := c.params["aliasId"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.aliases[alias]; !ok {
		return notFound("no such rich menu alias")
	}
	delete(s.aliases, alias)
	return s.accepted(c, KindRichMenu, nil, struct{}{})
}

func (s *Server) handleGetAlias(c *call) answer {
	alias := c.params["aliasId"]
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.aliases[alias]
	if !ok {
		return notFound("no such rich menu alias")
	}
	return s.accepted(c, KindRichMenu, nil, aliasBody{RichMenuAliasID: alias, RichMenuID: id})
}

func (s *Server) handleListAliases(c *call) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := slices.Sorted(maps.Keys(s.aliases))
	list := make([]aliasBody, 0, len(ids))
	for _, a := range ids {
		list = append(list, aliasBody{RichMenuAliasID: a, RichMenuID: s.aliases[a]})
	}
	return s.accepted(c, KindRichMenu, nil, map[string]any{"aliases": list})
}
