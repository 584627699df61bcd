package linefake

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"
)

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegImage(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func area(x, y, w, h int, action m) m {
	return m{"bounds": m{"x": x, "y": y, "width": w, "height": h}, "action": action}
}

func menu(w, h int, areas ...m) m {
	if areas == nil {
		areas = []m{area(0, 0, w, h, postback("", "menu"))}
	}
	return m{"size": m{"width": w, "height": h}, "selected": true, "name": "main", "chatBarText": "Menu", "areas": areas}
}

func createMenu(t *testing.T, url string, def m) string {
	t.Helper()
	res := doReq(t, "POST", url+"/v2/bot/richmenu", def)
	if res.status != 200 {
		t.Fatalf("create rich menu: status = %d; %s", res.status, res.body)
	}
	var r struct {
		RichMenuID string `json:"richMenuId"`
	}
	if err := json.Unmarshal(res.body, &r); err != nil || !strings.HasPrefix(r.RichMenuID, "richmenu-") {
		t.Fatalf("create answer %s", res.body)
	}
	return r.RichMenuID
}

func upload(t *testing.T, url, id, contentType string, img []byte) result {
	t.Helper()
	return doReq(t, "POST", url+"/v2/bot/richmenu/"+id+"/content", img, "Content-Type", contentType)
}

func TestRichMenuDefinition(t *testing.T) {
	_, url := start(t)
	areas := func(n int) []m {
		out := make([]m, n)
		for i := range out {
			out[i] = area(i*100, 0, 100, 843, msgAction("", "x"))
		}
		return out
	}
	withField := func(def m, k string, v any) m { def[k] = v; return def }
	tests := []struct {
		name string
		def  m
		want int
	}{
		{"full size", menu(2500, 1686), 200},
		{"half size", menu(2500, 843), 200},
		{"smallest", menu(800, 250), 200},
		{"ratio exactly 1.45", menu(1450, 1000), 200},
		{"20 areas", menu(2500, 843, areas(20)...), 200},
		{"richmenuswitch allowed", menu(2500, 843, area(0, 0, 100, 100, m{"type": "richmenuswitch", "richMenuAliasId": "page-2", "data": "p2"})), 200},
		{"too wide", menu(2501, 1686), 400},
		{"too narrow", menu(799, 250), 400},
		{"too short", menu(1000, 249), 400},
		{"ratio below 1.45", menu(1000, 900), 400},
		{"21 areas", menu(2500, 843, areas(21)...), 400},
		{"no areas", withField(menu(2500, 843), "areas", []m{}), 400},
		{"chatBarText 14", withField(menu(2500, 843), "chatBarText", strings.Repeat("c", 14)), 200},
		{"chatBarText 15", withField(menu(2500, 843), "chatBarText", strings.Repeat("c", 15)), 400},
		{"chatBarText missing", withField(menu(2500, 843), "chatBarText", nil), 400},
		{"name 301", withField(menu(2500, 843), "name", strings.Repeat("n", 301)), 400},
		{"selected missing", withField(menu(2500, 843), "selected", nil), 400},
		{"area outside the menu", menu(2500, 843, area(2000, 0, 600, 843, msgAction("", "x"))), 400},
		{"area without action", menu(2500, 843, m{"bounds": m{"x": 0, "y": 0, "width": 10, "height": 10}}), 400},
		{"area label 21", menu(2500, 843, area(0, 0, 10, 10, msgAction(strings.Repeat("l", 21), "x"))), 400},
		{"size missing", withField(menu(2500, 843), "size", nil), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := doReq(t, "POST", url+"/v2/bot/richmenu", tt.def)
			if res.status != tt.want {
				t.Errorf("create: status = %d, want %d; %s", res.status, tt.want, res.body)
			}
			res = doReq(t, "POST", url+"/v2/bot/richmenu/validate", tt.def)
			if res.status != tt.want {
				t.Errorf("validate: status = %d, want %d; %s", res.status, tt.want, res.body)
			}
		})
	}
}

func TestRichMenuImage(t *testing.T) {
	s, url := start(t)
	full := pngImage(t, 2500, 1686)

	tests := []struct {
		name        string
		menuW       int
		menuH       int
		contentType string
		img         []byte
		want        int
	}{
		{"png of the menu size", 2500, 1686, "image/png", full, 200},
		{"jpeg of the menu size", 2500, 843, "image/jpeg", jpegImage(t, 2500, 843), 200},
		{"wrong size", 2500, 843, "image/png", full, 400},
		{"jpeg sent as png", 2500, 843, "image/png", jpegImage(t, 2500, 843), 400},
		{"not an image", 2500, 843, "image/png", []byte("hello"), 400},
		{"gif content type", 2500, 843, "image/gif", full, 415},
		{"over 1 MB", 2500, 843, "image/png", bytes.Repeat([]byte{0}, MaxRichMenuImageBytes+1), 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := createMenu(t, url, menu(tt.menuW, tt.menuH))
			res := upload(t, url, id, tt.contentType, tt.img)
			if res.status != tt.want {
				t.Fatalf("upload: status = %d, want %d; %s", res.status, tt.want, res.body)
			}
			_, _, has := s.RichMenuImage(id)
			if has != (tt.want == 200) {
				t.Errorf("RichMenuImage has = %v", has)
			}
		})
	}

	t.Run("cannot be replaced", func(t *testing.T) {
		id := createMenu(t, url, menu(2500, 1686))
		if res := upload(t, url, id, "image/png", full); res.status != 200 {
			t.Fatalf("first upload: %d", res.status)
		}
		if res := upload(t, url, id, "image/png", full); res.status != 400 {
			t.Fatalf("second upload: status = %d, want 400", res.status)
		}
		res := doReq(t, "GET", url+"/v2/bot/richmenu/"+id+"/content", nil)
		if res.status != 200 || !bytes.Equal(res.body, full) || res.header.Get("Content-Type") != "image/png" {
			t.Errorf("download: %d %s", res.status, res.header.Get("Content-Type"))
		}
	})
	t.Run("unknown menu", func(t *testing.T) {
		if res := upload(t, url, "richmenu-none", "image/png", full); res.status != 404 {
			t.Fatalf("status = %d, want 404", res.status)
		}
	})
}

func TestRichMenuLinks(t *testing.T) {
	s, url := start(t)
	a := createMenu(t, url, menu(2500, 843))
	b := createMenu(t, url, menu(2500, 843))
	status := func(method, path string, body any) int {
		t.Helper()
		return doReq(t, method, url+path, body).status
	}

	if got := status("POST", "/v2/bot/user/all/richmenu/"+a, nil); got != 400 {
		t.Errorf("default without image: status = %d, want 400", got)
	}
	upload(t, url, a, "image/png", pngImage(t, 2500, 843))
	upload(t, url, b, "image/png", pngImage(t, 2500, 843))

	steps := []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", "/v2/bot/user/all/richmenu", nil, 404},
		{"POST", "/v2/bot/user/all/richmenu/" + a, nil, 200},
		{"GET", "/v2/bot/user/all/richmenu", nil, 200},
		{"POST", "/v2/bot/user/Ualice/richmenu/" + b, nil, 200},
		{"POST", "/v2/bot/user/Ualice/richmenu/richmenu-none", nil, 404},
		{"POST", "/v2/bot/user/Cgroup/richmenu/" + b, nil, 400},
		{"GET", "/v2/bot/user/Ualice/richmenu", nil, 200},
		{"GET", "/v2/bot/user/Ubob/richmenu", nil, 404},
		{"POST", "/v2/bot/richmenu/alias", m{"richMenuAliasId": "page-1", "richMenuId": a}, 200},
		{"POST", "/v2/bot/richmenu/alias", m{"richMenuAliasId": "page-1", "richMenuId": b}, 400},
		{"POST", "/v2/bot/richmenu/alias", m{"richMenuAliasId": "Page 2", "richMenuId": b}, 400},
		{"POST", "/v2/bot/richmenu/alias", m{"richMenuAliasId": strings.Repeat("a", 33), "richMenuId": b}, 400},
		{"POST", "/v2/bot/richmenu/alias", m{"richMenuAliasId": "page_2", "richMenuId": "richmenu-none"}, 400},
		{"POST", "/v2/bot/richmenu/alias", m{"richMenuAliasId": "page_2", "richMenuId": b}, 200},
		{"POST", "/v2/bot/richmenu/alias/page_2", m{"richMenuId": b}, 200},
		{"POST", "/v2/bot/richmenu/alias/nope", m{"richMenuId": b}, 404},
		{"POST", "/v2/bot/richmenu/alias/page_2", m{"richMenuId": "richmenu-none"}, 400},
		{"GET", "/v2/bot/richmenu/alias/page_2", nil, 200},
		{"GET", "/v2/bot/richmenu/alias/nope", nil, 404},
		{"GET", "/v2/bot/richmenu/alias/list", nil, 200},
		{"GET", "/v2/bot/richmenu/list", nil, 200},
		{"GET", "/v2/bot/richmenu/" + a, nil, 200},
	}
	for _, st := range steps {
		if got := status(st.method, st.path, st.body); got != st.want {
			t.Errorf("%s %s: status = %d, want %d", st.method, st.path, got, st.want)
		}
	}
	if got := s.RichMenuOf("Ualice"); got != b {
		t.Errorf("RichMenuOf(Ualice) = %q, want %q", got, b)
	}
	if got := s.RichMenuOf("Ubob"); got != a {
		t.Errorf("RichMenuOf(Ubob) = %q, want the default %q", got, a)
	}
	if got := s.LinkedRichMenu("Ubob"); got != "" {
		t.Errorf("LinkedRichMenu(Ubob) = %q, want none", got)
	}
	if got := s.RichMenuAlias("page-1"); got != a {
		t.Errorf("RichMenuAlias(page-1) = %q, want %q", got, a)
	}

	res := doReq(t, "GET", url+"/v2/bot/richmenu/list", nil)
	var list struct {
		Richmenus []struct {
			RichMenuID  string `json:"richMenuId"`
			ChatBarText string `json:"chatBarText"`
		} `json:"richmenus"`
	}
	if err := json.Unmarshal(res.body, &list); err != nil || len(list.Richmenus) != 2 || list.Richmenus[0].RichMenuID != a || list.Richmenus[0].ChatBarText != "Menu" {
		t.Errorf("list = %s", res.body)
	}

	if got := status("DELETE", "/v2/bot/user/Ualice/richmenu", nil); got != 200 {
		t.Errorf("unlink: status = %d", got)
	}
	if got := s.RichMenuOf("Ualice"); got != a {
		t.Errorf("after unlink RichMenuOf = %q, want default %q", got, a)
	}
	if got := status("DELETE", "/v2/bot/richmenu/"+a, nil); got != 200 {
		t.Errorf("delete: status = %d", got)
	}
	if got := status("DELETE", "/v2/bot/richmenu/"+a, nil); got != 404 {
		t.Errorf("delete again: status = %d, want 404", got)
	}
	if s.DefaultRichMenu() != "" || s.RichMenuAlias("page-1") != "" {
		t.Error("deleting a menu left it as default or aliased")
	}
	if ids := s.RichMenuIDs(); len(ids) != 1 || ids[0] != b {
		t.Errorf("RichMenuIDs = %q, want [%s]", ids, b)
	}
	if n := len(s.Sent(KindRichMenu)); n == 0 {
		t.Error("rich menu requests not recorded")
	}
	if got := status("DELETE", "/v2/bot/richmenu/alias/page_2", nil); got != http.StatusOK {
		t.Errorf("delete alias: status = %d", got)
	}
	status("POST", "/v2/bot/user/all/richmenu/"+b, nil)
	if got := status("DELETE", "/v2/bot/user/all/richmenu", nil); got != http.StatusOK || s.DefaultRichMenu() != "" {
		t.Errorf("cancel default: status = %d, default %q", got, s.DefaultRichMenu())
	}
}
