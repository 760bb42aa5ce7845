package metrics

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path"
	"regexp"
)

// Results of a Slack Web API request besides ok and Slack's error codes.
const (
	ResultOK              = "ok"
	ResultRateLimited     = "ratelimited"      // HTTP 429
	ResultServerError     = "server_error"     // HTTP 5xx
	ResultHTTPError       = "http_error"       // any other status but 200
	ResultNetworkError    = "network_error"    // no response, or the body broke off
	ResultInvalidResponse = "invalid_response" // 200 without Slack's JSON answer
	ResultOtherError      = "other"            // an ok:false code not in knownErrors
)

// knownErrors are the Slack error codes counted by name; any other ok:false
// code counts as "other", so the label's values stay few. From Slack's
// method pages and the errors the bot handles.
var knownErrors = map[string]bool{
	"not_in_channel": true, "channel_not_found": true, "is_archived": true, "invalid_blocks": true,
	"msg_blocks_too_long": true, "msg_too_long": true, "no_text": true, "missing_scope": true,
	"invalid_auth": true, "not_authed": true, "token_revoked": true, "token_expired": true,
	"account_inactive": true, "not_allowed_token_type": true, "expired_trigger_id": true,
	"invalid_trigger_id": true, "exchanged_trigger_id": true, "view_too_large": true, "user_not_found": true,
	"users_not_found": true, "cannot_dm_bot": true, "message_not_found": true, "cant_update_message": true,
	"edit_window_closed": true, "internal_error": true, "fatal_error": true, "service_unavailable": true,
	"request_timeout": true, "rate_limited": true, "ratelimited": true, "restricted_action": true,
	"restricted_action_read_only_channel": true, "restricted_action_thread_only_channel": true,
	"message_limit_exceeded": true, "team_access_not_granted": true, "too_many_members": true,
	"channel_is_limited_access": true, "method_not_supported_for_channel_type": true,
	"invalid_arguments": true, "invalid_json": true, "invalid_form_data": true, "unknown_method": true,
}

// maxPeek bounds the body read to classify a response; a larger one (no
// error answer is that large) is passed on unread and counts as ok.
const maxPeek = 1 << 20

// apiMethod matches Web API method names (chat.postMessage).
var apiMethod = regexp.MustCompile(`^[a-zA-Z]+(\.[a-zA-Z]+)+$`)

// SlackTransport wraps the Web API client's transport and counts every
// request by method (from the URL path) and result: ok, the Slack error
// code of an ok:false answer (from a known set, else "other"), ratelimited
// (429), server_error (5xx), http_error, network_error or invalid_response.
// It reads a 200's body to classify it and hands the client the same bytes.
func (m *Metrics) SlackTransport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &slackTransport{next: next, m: m}
}

type slackTransport struct {
	next http.RoundTripper
	m    *Metrics
}

// RoundTrip implements http.RoundTripper.
func (t *slackTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	method := path.Base(req.URL.Path)
	if len(method) > 64 || !apiMethod.MatchString(method) {
		method = "other"
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.m.SlackCall(method, ResultNetworkError)
		return nil, err
	}
	var result string
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		result = ResultRateLimited
	case resp.StatusCode >= 500:
		result = ResultServerError
	case resp.StatusCode != http.StatusOK:
		result = ResultHTTPError
	default:
		result = classifyBody(resp)
	}
	t.m.SlackCall(method, result)
	return resp, nil
}

// classifyBody reads a 200 answer's body, puts the same bytes back for the
// client, and returns its result.
func classifyBody(resp *http.Response) string {
	orig := resp.Body
	buf, err := io.ReadAll(io.LimitReader(orig, maxPeek+1))
	switch {
	case err != nil:
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(buf), errReader{err}), orig}
		return ResultNetworkError
	case len(buf) > maxPeek:
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(buf), orig), orig}
		return ResultOK
	}
	orig.Close()
	resp.Body = io.NopCloser(bytes.NewReader(buf))
	var answer struct {
		OK    *bool  `json:"ok"`
		Error string `json:"error"`
	}
	if json.Unmarshal(buf, &answer) != nil || answer.OK == nil {
		return ResultInvalidResponse
	}
	switch {
	case *answer.OK:
		return ResultOK
	case knownErrors[answer.Error]:
		return answer.Error
	}
	return ResultOtherError
}

// readCloser reads from r and closes c.
type readCloser struct {
	io.Reader
	c io.Closer
}

func (r readCloser) Close() error { return r.c.Close() }

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
