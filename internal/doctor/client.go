package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// client calls Slack's Web API directly: doctor needs the answers' headers
// (X-OAuth-Scopes, Date), which slack-go does not show.
type client struct {
	http *http.Client
	base string // ends in "/"
	now  func() time.Time
}

// answer is one Web API answer.
type answer struct {
	Status   int
	Header   http.Header
	Body     []byte
	OK       bool
	Error    string
	sent     time.Time // by the local clock
	received time.Time

	refused        bool   // auth.test: the token was refused
	botName, botID string // auth.test: who the bot is
}

// call POSTs params to method with token as a Bearer token.
func (c *client) call(ctx context.Context, method, token string, params map[string]string) (*answer, error) {
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+method, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	a := &answer{sent: c.now()}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	a.received = c.now()
	a.Status, a.Header = resp.StatusCode, resp.Header
	if a.Body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20)); err != nil {
		return nil, err
	}
	return a, nil
}

// decode reads the answer's ok and error, and the rest into v (if not nil).
func (a *answer) decode(v any) error {
	if a.Status != http.StatusOK && a.Status != http.StatusTooManyRequests {
		return fmt.Errorf("HTTP %d", a.Status)
	}
	var head struct {
		OK    *bool  `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(a.Body, &head); err != nil {
		return errors.New("not JSON")
	}
	if head.OK == nil {
		return errors.New(`no "ok" field`)
	}
	a.OK, a.Error = *head.OK, head.Error
	if v != nil {
		return json.Unmarshal(a.Body, v)
	}
	return nil
}

// redactURLError drops the request URL's query (never a token: tokens go in
// a header) and keeps what went wrong.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
