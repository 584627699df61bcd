package sim

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"time"
)

// Prefix is the path the simulator is served under.
const Prefix = "/sim"

//go:embed web
var webFS embed.FS

// keepAlive is how often an idle event stream gets a comment line, so that
// proxies and browsers keep it open.
const keepAlive = 15 * time.Second

// maxBody bounds the JSON the page posts.
const maxBody = 64 << 10

// Handler serves the page and its API under Prefix:
//
//	GET  /sim                 the chat page
//	GET  /sim/static/...      its script, style sheet and fonts
//	GET  /sim/api/state       personas, groups, which chats are open, the clock
//	GET  /sim/api/history     ?chat=ID: that chat's entries
//	GET  /sim/api/events      server-sent events: entry, personas, clock
//	POST /sim/api/open        {chat, as}: open a chat (follow / join the first time)
//	POST /sim/api/send        Send: type a text or tap a button
//	POST /sim/api/file        ?chat=ID&as=ID&name=N, the file as the body (or
//	                          &size=N and no body for a file over MaxFileUpload)
//	POST /sim/api/personas    {name, lang}: add a persona
//	POST /sim/api/clock       {at: "2006-01-02T15:04"} or {reset: true}
//
// Mount it only in simulator mode: it lets anyone act as any user.
func (s *Sim) Handler() http.Handler {
	static, err := fs.Sub(webFS, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, static, "index.html")
	}
	mux.HandleFunc("GET "+Prefix, page)
	mux.HandleFunc("GET "+Prefix+"/{$}", page)
	files := http.StripPrefix(Prefix+"/static/", http.FileServerFS(static))
	mux.Handle("GET "+Prefix+"/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	}))
	mux.HandleFunc("GET "+Prefix+"/api/state", s.handleState)
	mux.HandleFunc("GET "+Prefix+"/api/history", s.handleHistory)
	mux.HandleFunc("GET "+Prefix+"/api/events", s.handleEvents)
	mux.HandleFunc("POST "+Prefix+"/api/open", s.handleOpen)
	mux.HandleFunc("POST "+Prefix+"/api/send", s.handleSend)
	mux.HandleFunc("POST "+Prefix+"/api/file", s.handleFile)
	mux.HandleFunc("POST "+Prefix+"/api/personas", s.handleAddPersona)
	mux.HandleFunc("POST "+Prefix+"/api/clock", s.handleClock)
	return mux
}

type stateAnswer struct {
	Personas []Persona       `json:"personas"`
	Groups   []Group         `json:"groups"`
	Opened   map[string]bool `json:"opened"`
	Clock    clockInfo       `json:"clock"`
}

func (s *Sim) handleState(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	st := stateAnswer{
		Personas: append([]Persona{}, s.personas...),
		Groups:   append([]Group{}, s.groups...),
		Opened:   map[string]bool{},
	}
	for id, ok := range s.opened {
		st.Opened[id] = ok
	}
	s.mu.Unlock()
	st.Clock = s.clockState()
	writeJSON(w, http.StatusOK, st)
}

func (s *Sim) handleHistory(w http.ResponseWriter, r *http.Request) {
	h := s.History(r.URL.Query().Get("chat"))
	if h == nil {
		h = []Entry{}
	}
	writeJSON(w, http.StatusOK, h)
}

func (s *Sim) handleOpen(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Chat string `json:"chat"`
		As   string `json:"as"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if err := s.Open(r.Context(), req.Chat, req.As); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusOK, s.History(req.Chat))
}

func (s *Sim) handleSend(w http.ResponseWriter, r *http.Request) {
	var req Send
	if !readJSON(w, r, &req) {
		return
	}
	if err := s.Send(r.Context(), req); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleFile is a persona sending a file: the page posts the file's bytes
// as they are (no multipart), its name and the chat in the query.
func (s *Sim) handleFile(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var data []byte
	var size int64
	if v := q.Get("size"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= MaxFileUpload {
			writeError(w, http.StatusBadRequest, errors.New("sim: size is only for a file too large to upload"))
			return
		}
		size = n
	} else {
		var err error
		data, err = io.ReadAll(http.MaxBytesReader(w, r.Body, MaxFileUpload))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("sim: a file over %d MB is sent without its content", MaxFileUpload>>20))
			return
		case err != nil:
			writeError(w, http.StatusBadRequest, errors.New("sim: file upload failed"))
			return
		case len(data) == 0:
			writeError(w, http.StatusBadRequest, errors.New("sim: the file is empty"))
			return
		}
	}
	if err := s.SendFile(r.Context(), q.Get("chat"), q.Get("as"), q.Get("name"), data, size); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Sim) handleAddPersona(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
		Lang string `json:"lang"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	p, err := s.AddPersona(req.Name, req.Lang)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Sim) handleClock(w http.ResponseWriter, r *http.Request) {
	var req struct {
		At    string `json:"at"`
		Reset bool   `json:"reset"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	if req.Reset {
		s.opt.Clock.Reset()
		writeJSON(w, http.StatusOK, s.clockState())
		return
	}
	t, err := parseClock(req.At, s.opt.Location)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	s.opt.Clock.Set(t)
	writeJSON(w, http.StatusOK, s.clockState())
}

// parseClock reads the page's date-time input (programme time zone) or an
// RFC 3339 time.
func parseClock(v string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, errors.New(`sim: expected a time such as "2026-03-16T07:30"`)
}

// handleEvents streams entries, persona changes and clock jumps to a page.
// The page reconnects by itself (EventSource) and reloads its chat then.
func (s *Sim) handleEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch, ok := s.hub.subscribe()
	if !ok {
		http.Error(w, "simulator closed", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.unsubscribe(ch)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("retry: 1000\n\n"))
	flusher.Flush()
	ping := time.NewTicker(keepAlive)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case frame, open := <-ch:
			if !open {
				return
			}
			if _, err := w.Write(frame); err != nil {
				return
			}
		case <-ping.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
		}
		flusher.Flush()
	}
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, errors.New("sim: bad JSON request"))
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}
