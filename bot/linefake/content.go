package linefake

import (
	"bytes"
	"time"
)

// Message content (LINE's data endpoint): what users send as files,
// images and the like, which a bot fetches with
// GET /v2/bot/message/{messageId}/content on api-data.line.me. The fake
// serves what a test put there; an id it was not given answers 404, as
// LINE does for an unknown message or one whose content has expired.

// KindContent is Request.Kind of a message content fetch.
const KindContent = "content"

// PutContent makes data the content of message id (as if a user had sent
// it); nil removes it, so that a fetch fails with 404.
func (s *Server) PutContent(messageID string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.contents == nil {
		s.contents = map[string][]byte{}
	}
	if data == nil {
		delete(s.contents, messageID)
		return
	}
	s.contents[messageID] = bytes.Clone(data)
}

// ContentFetches returns how many times message id's content was asked for
// (found or not).
func (s *Server) ContentFetches(messageID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.contentAsked[messageID]
}

func (s *Server) handleContent(c *call) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.params["messageId"]
	if s.contentAsked == nil {
		s.contentAsked = map[string]int{}
	}
	s.contentAsked[id]++
	data, ok := s.contents[id]
	if !ok {
		return notFound("no content for message " + id)
	}
	a := s.accepted(c, KindContent, nil, nil)
	a.raw = bytes.Clone(data)
	a.contentType = "application/octet-stream"
	return a
}

// FileEventWith is a file message from src whose content the fake serves:
// its size is data's, and a fetch of its message id answers data. The
// Events must come from Server.Events.
func (f Events) FileEventWith(src Source, fileName string, data []byte, ts time.Time) Event {
	e := f.FileEvent(src, fileName, int64(len(data)), ts)
	if f.Server != nil {
		f.Server.PutContent(e.MessageID(), data)
	}
	return e
}

// MessageID is a message event's message id ("" for other events).
func (e Event) MessageID() string {
	m, _ := e["message"].(map[string]any)
	s, _ := m["id"].(string)
	return s
}
