package richmenu

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// Client is LINE's API as far as rich menus go. It holds its own SDK
// clients (the rich menu image goes to the data endpoint), each with a
// timeout on every call; it never calls WithContext on them, so it is safe
// for concurrent use.
type Client struct {
	api  *messaging_api.MessagingApiAPI
	blob *messaging_api.MessagingApiBlobAPI
}

// NewClient returns a client for the channel's access token. The
// endpoints are LINE's own when empty (the fake's in tests and in the
// simulator); timeout bounds every call (10s when zero).
func NewClient(token, apiEndpoint, dataEndpoint string, timeout time.Duration) (*Client, error) {
	if token == "" {
		return nil, errors.New("richmenu: no channel access token")
	}
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	hc := &http.Client{Timeout: timeout}
	opts := []messaging_api.MessagingApiAPIOption{messaging_api.WithHTTPClient(hc)}
	if apiEndpoint != "" {
		opts = append(opts, messaging_api.WithEndpoint(apiEndpoint))
	}
	api, err := messaging_api.NewMessagingApiAPI(token, opts...)
	if err != nil {
		return nil, err
	}
	bopts := []messaging_api.MessagingApiBlobAPIOption{messaging_api.WithBlobHTTPClient(hc)}
	if dataEndpoint != "" {
		bopts = append(bopts, messaging_api.WithBlobEndpoint(dataEndpoint))
	}
	blob, err := messaging_api.NewMessagingApiBlobAPI(token, bopts...)
	if err != nil {
		return nil, err
	}
	return &Client{api: api, blob: blob}, nil
}

// APIError is a call LINE refused or that did not reach LINE. Its text
// names the call and the HTTP status only: LINE's answer may quote what
// was sent (a user id), which must not reach the logs.
type APIError struct {
	Op     string
	Status int // 0 when LINE was not reached
	err    error
}

func (e *APIError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("richmenu: %s: LINE not reached", e.Op)
	}
	return fmt.Sprintf("richmenu: %s: LINE answered HTTP %d", e.Op, e.Status)
}

// Unwrap returns the SDK's error (which may quote LINE's answer).
func (e *APIError) Unwrap() error { return e.err }

func check(op string, res *http.Response, err error) error {
	if err == nil {
		return nil
	}
	status := 0
	if res != nil {
		status = res.StatusCode
	}
	return &APIError{Op: op, Status: status, err: err}
}

func isNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

func (c *Client) create(req *messaging_api.RichMenuRequest) (string, error) {
	res, out, err := c.api.CreateRichMenuWithHttpInfo(req)
	if err := check("create menu", res, err); err != nil {
		return "", err
	}
	return out.RichMenuId, nil
}

func (c *Client) upload(id string, png []byte) error {
	res, _, err := c.blob.SetRichMenuImageWithHttpInfo(id, "image/png", bytes.NewReader(png))
	return check("upload image", res, err)
}

// aliases returns the channel's rich menu aliases and the menus they
// point at.
func (c *Client) aliases() (map[string]string, error) {
	res, out, err := c.api.GetRichMenuAliasListWithHttpInfo()
	if err := check("list aliases", res, err); err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, a := range out.Aliases {
		m[a.RichMenuAliasId] = a.RichMenuId
	}
	return m, nil
}

// setAlias points alias at id: an update when the alias exists, else a
// create.
func (c *Client) setAlias(alias, id string, exists bool) error {
	if exists {
		res, _, err := c.api.UpdateRichMenuAliasWithHttpInfo(alias, &messaging_api.UpdateRichMenuAliasRequest{RichMenuId: id})
		return check("update alias", res, err)
	}
	res, _, err := c.api.CreateRichMenuAliasWithHttpInfo(&messaging_api.CreateRichMenuAliasRequest{RichMenuAliasId: alias, RichMenuId: id})
	return check("create alias", res, err)
}

func (c *Client) setDefault(id string) error {
	res, _, err := c.api.SetDefaultRichMenuWithHttpInfo(id)
	return check("set default menu", res, err)
}

func (c *Client) link(userID, id string) error {
	res, _, err := c.api.LinkRichMenuIdToUserWithHttpInfo(userID, id)
	return check("link menu", res, err)
}

func (c *Client) unlink(userID string) error {
	res, _, err := c.api.UnlinkRichMenuIdFromUserWithHttpInfo(userID)
	return check("unlink menu", res, err)
}

// menu is a rich menu that exists at LINE.
type menu struct{ id, name string }

func (c *Client) list() ([]menu, error) {
	res, out, err := c.api.GetRichMenuListWithHttpInfo()
	if err := check("list menus", res, err); err != nil {
		return nil, err
	}
	var ms []menu
	for _, m := range out.Richmenus {
		ms = append(ms, menu{id: m.RichMenuId, name: m.Name})
	}
	return ms, nil
}

// remove deletes a menu; one that is gone already is no error.
func (c *Client) remove(id string) error {
	res, _, err := c.api.DeleteRichMenuWithHttpInfo(id)
	if err := check("delete menu", res, err); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}
