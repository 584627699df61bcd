package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// ContentFetcher fetches what a user sent in a message (a file) from LINE's
// data endpoint: GET {LINE_DATA_ENDPOINT}/v2/bot/message/{messageId}/content.
// LINE keeps it for a limited time only, so the worker fetches it at once.
type ContentFetcher interface {
	// Fetch returns the content of message id, at most max bytes; more is
	// ErrContentTooLarge. Its errors never hold the content.
	Fetch(ctx context.Context, messageID string, max int64) ([]byte, error)
}

// ErrContentTooLarge is a message content over the limit asked for.
var ErrContentTooLarge = errors.New("bot: message content too large")

// blobFetcher fetches content with the SDK's blob client. A client is made
// per fetch: WithContext writes the context into the client, so a shared
// one cannot carry a per-call deadline safely.
type blobFetcher struct {
	token    string
	endpoint string
	client   *http.Client
	timeout  time.Duration
}

// NewContentFetcher returns a fetcher for LINE's data endpoint (LINE's own
// when endpoint is ""), each fetch bounded by timeout.
func NewContentFetcher(token, endpoint string, timeout time.Duration) ContentFetcher {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &blobFetcher{token: token, endpoint: endpoint, client: &http.Client{Timeout: timeout}, timeout: timeout}
}

func (f *blobFetcher) Fetch(ctx context.Context, messageID string, max int64) ([]byte, error) {
	if !digitsOnly(messageID) {
		return nil, fmt.Errorf("bot: fetch content: bad message id")
	}
	opts := []messaging_api.MessagingApiBlobAPIOption{messaging_api.WithBlobHTTPClient(f.client)}
	if f.endpoint != "" {
		opts = append(opts, messaging_api.WithBlobEndpoint(f.endpoint))
	}
	api, err := messaging_api.NewMessagingApiBlobAPI(f.token, opts...)
	if err != nil {
		return nil, fmt.Errorf("bot: fetch content: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	raw, res, err := api.WithContext(ctx).GetMessageContentWithHttpInfo(messageID)
	if err != nil {
		// The SDK's error holds LINE's error body (JSON), never the content,
		// which only a 2xx carries; the status is all the log needs.
		status := 0
		if raw != nil {
			status = raw.StatusCode
			raw.Body.Close()
		}
		return nil, fmt.Errorf("bot: fetch content: status %d", status)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("bot: fetch content: read: %w", err)
	}
	if int64(len(data)) > max {
		return nil, ErrContentTooLarge
	}
	return data, nil
}

func digitsOnly(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
