package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
)

// TestContentFetcher fetches a file's content from the fake LINE's data
// endpoint through the SDK's blob client: what was sent, a refusal over
// the limit, and LINE's 404 for an id it does not know.
func TestContentFetcher(t *testing.T) {
	fake := linefake.New(linefake.WithAccessToken("tok"))
	defer fake.Close()
	url := fake.Start()
	fake.PutContent("100001", []byte("moo,name\n5,บ้านโนนสูง\n"))
	f := bot.NewContentFetcher("tok", url, 5*time.Second)

	got, err := f.Fetch(context.Background(), "100001", 1<<20)
	if err != nil || string(got) != "moo,name\n5,บ้านโนนสูง\n" {
		t.Errorf("got %q, %v; want the file", got, err)
	}
	if _, err := f.Fetch(context.Background(), "100001", 8); !errors.Is(err, bot.ErrContentTooLarge) {
		t.Errorf("over the limit: got %v, want ErrContentTooLarge", err)
	}
	if _, err := f.Fetch(context.Background(), "100002", 1<<20); err == nil {
		t.Errorf("an unknown id: got no error, want LINE's 404")
	}
	if _, err := f.Fetch(context.Background(), "../richmenu/list", 1<<20); err == nil {
		t.Errorf("a message id that is no number: got no error")
	}
	if n := fake.ContentFetches("100002"); n != 1 {
		t.Errorf("the unknown id was asked %d times, want 1", n)
	}
}
