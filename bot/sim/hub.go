package sim

import (
	"encoding/json"
	"sync"
)

// subBuffer is how many events a page may fall behind before it is dropped;
// a dropped page reconnects and reloads its chat, so nothing is lost.
const subBuffer = 256

// hub fans server-sent events out to the open pages.
type hub struct {
	mu     sync.Mutex
	subs   map[chan []byte]struct{}
	closed bool
}

func newHub() *hub { return &hub{subs: map[chan []byte]struct{}{}} }

// subscribe returns a channel of encoded SSE frames; it is closed when the
// page falls too far behind or the hub closes. ok is false after close.
func (h *hub) subscribe() (ch chan []byte, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false
	}
	ch = make(chan []byte, subBuffer)
	h.subs[ch] = struct{}{}
	return ch, true
}

func (h *hub) unsubscribe(ch chan []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[ch]; ok {
		delete(h.subs, ch)
		close(ch)
	}
}

// send encodes v as an SSE frame of the named event and queues it for every
// page without blocking.
func (h *hub) send(event string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	frame := []byte("event: " + event + "\ndata: " + string(data) + "\n\n")
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- frame:
		default:
			delete(h.subs, ch)
			close(ch)
		}
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for ch := range h.subs {
		delete(h.subs, ch)
		close(ch)
	}
}
