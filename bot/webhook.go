package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

// MaxBodyBytes is the largest webhook body the bot reads. LINE's own
// requests are far smaller; anything larger is refused with 413.
const MaxBodyBytes = 1 << 20

// InboxRecord is one acknowledged webhook event waiting for the worker.
// Raw is the event exactly as LINE sent it; the other fields are read from
// it at acknowledge time so the worker can order and dedupe without
// decoding everything.
type InboxRecord struct {
	EventID string `json:"id,omitempty"`
	Type    string `json:"type"`
	// Chat is the ordering key: the user, group or room the event belongs to.
	Chat      string          `json:"chat"`
	Timestamp int64           `json:"ts"`
	Received  time.Time       `json:"received"`
	Attempts  int             `json:"attempts,omitempty"`
	NotBefore time.Time       `json:"notBefore,omitzero"`
	Raw       json.RawMessage `json:"raw"`
}

// encode is the record as JSON, as json.Marshal writes it, except that Raw
// is copied as it came (a part of a body json.Unmarshal has checked)
// instead of checked and compacted again: on the acknowledgement's path,
// that was its largest cost.
func (r InboxRecord) encode() (json.RawMessage, error) {
	raw := r.Raw
	r.Raw = nil
	head, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	// Raw is the last field: head ends with "raw":null}.
	head, ok := bytes.CutSuffix(head, []byte(`"raw":null}`))
	if !ok {
		r.Raw = raw
		return json.Marshal(r)
	}
	head = append(head, `"raw":`...)
	out := make([]byte, 0, len(head)+len(raw)+1)
	return append(append(append(out, head...), raw...), '}'), nil
}

// eventHead is the part of an event read at acknowledge time.
type eventHead struct {
	Type           string `json:"type"`
	Timestamp      int64  `json:"timestamp"`
	WebhookEventID string `json:"webhookEventId"`
	Source         *struct {
		Type    string `json:"type"`
		UserID  string `json:"userId"`
		GroupID string `json:"groupId"`
		RoomID  string `json:"roomId"`
	} `json:"source"`
}

func (h eventHead) chat() string {
	if h.Source == nil {
		return ""
	}
	switch {
	case h.Source.GroupID != "":
		return h.Source.GroupID
	case h.Source.RoomID != "":
		return h.Source.RoomID
	}
	return h.Source.UserID
}

// callback is LINE's webhook: check the signature, store every event in
// the inbox in one durable commit, then answer 200. Nothing else happens on
// this path; the worker handles the events.
func (s *Server) callback(c echo.Context) error {
	start := time.Now()
	defer func() { s.metrics.WebhookLatency.Observe(time.Since(start).Seconds()) }()
	req := c.Request()

	if req.ContentLength > MaxBodyBytes {
		s.metrics.WebhookRejected.WithLabelValues("too_large").Inc()
		return c.NoContent(http.StatusRequestEntityTooLarge)
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, MaxBodyBytes+1))
	if err != nil {
		s.metrics.WebhookRejected.WithLabelValues("read").Inc()
		return c.NoContent(http.StatusBadRequest)
	}
	if len(body) > MaxBodyBytes {
		s.metrics.WebhookRejected.WithLabelValues("too_large").Inc()
		return c.NoContent(http.StatusRequestEntityTooLarge)
	}
	if !webhook.ValidateSignature(s.cfg.ChannelSecret, req.Header.Get("X-Line-Signature"), body) {
		s.metrics.WebhookRejected.WithLabelValues("signature").Inc()
		return c.NoContent(http.StatusBadRequest)
	}
	var envelope struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		s.metrics.WebhookRejected.WithLabelValues("json").Inc()
		return c.NoContent(http.StatusBadRequest)
	}

	now := s.now()
	recs := make([]any, 0, len(envelope.Events))
	// Each record goes into the inbox as encode writes it.
	for _, raw := range envelope.Events {
		var h eventHead
		if err := json.Unmarshal(raw, &h); err != nil || h.Type == "" {
			s.metrics.EventsMalformed.Inc()
			continue
		}
		id := h.WebhookEventID
		if id == "" {
			// LINE always sends one; an event without gets its own, the
			// processed mark that keeps it from being applied twice
			// (storage/inboxlog.go).
			id = "local-" + uuid.NewString()
		}
		rec, err := InboxRecord{
			EventID:   id,
			Type:      h.Type,
			Chat:      h.chat(),
			Timestamp: h.Timestamp,
			Received:  now,
			Raw:       raw,
		}.encode()
		if err != nil {
			s.metrics.EventsMalformed.Inc()
			continue
		}
		recs = append(recs, rec)
	}
	if len(recs) > 0 {
		if _, err := s.store.AppendInbox(req.Context(), recs...); err != nil {
			// Not stored: say so, and LINE's redelivery (when on) sends it again.
			s.log.Error("webhook: store events", "err", err, "events", len(recs))
			if errors.Is(err, req.Context().Err()) {
				return c.NoContent(http.StatusServiceUnavailable)
			}
			s.appended(err) // /healthz says so (health.go)
			return c.NoContent(http.StatusInternalServerError)
		}
		s.appended(nil)
		s.metrics.EventsReceived.Add(float64(len(recs)))
		s.worker.Received()
	}
	return c.NoContent(http.StatusOK)
}
