package slackfake

import (
	"io"
	"net/http"
	"net/url"
)

// endpoint says how the one prologue (serveCall) takes a request of one kind: a Web API
// method, a post to a response_url, or the bytes of a file at its upload URL.
type endpoint struct {
	// name is the method the call is recorded under in Calls and its faults are queued
	// under (FailNext etc.): the Web API method, "response_url" or MethodUpload.
	name string
	// maxBody is how much of the body is read.
	maxBody int64
	// params: the body is a form or JSON whose parameters (with the query's) are the call's
	// Params, and the token is read from it; otherwise Params stay empty (a file's bytes).
	params bool
	// refuseTruncated answers request_timeout to a body cut short (the client went away
	// mid-request): Slack acts on no truncated Web API call ("request_timeout: The method was
	// called via a POST request, but the POST data was either missing or truncated", in
	// every method's errors).
	refuseTruncated bool
	// halfSucceed: PostThenFailNext, PostThenDropNext and HoldAnswerNext apply. Where not
	// set (response_url, uploads) they are used up like any fault, and the call goes on as
	// usual.
	halfSucceed bool
}

// incoming is one request read by the prologue.
type incoming struct {
	r    *http.Request
	req  *request
	perr string // a Slack error code for parameters that could not be read ("" if none)
}

// serveCall is the prologue every request to the fake's Web API, response_urls and upload
// URLs goes through: read the body, parse its parameters, record the call so that Calls sees
// it (when the handler returns, or before a dropped connection closes), and apply the faults
// queued for ep.name and the rate limits: FailNext, RateLimitNext, ServerErrorNext and
// SetRateLimit answer instead of answer; HoldNext holds the call before it; PostThenFailNext,
// PostThenDropNext and HoldAnswerNext (ep.halfSucceed) let answer act, then fail, drop or
// hold its answer. answer writes the endpoint's own answer to w.
func (s *Server) serveCall(w http.ResponseWriter, r *http.Request, ep endpoint, answer func(w http.ResponseWriter, in *incoming)) {
	body, rerr := io.ReadAll(io.LimitReader(r.Body, ep.maxBody))
	in := &incoming{r: r}
	if ep.params {
		in.req, in.perr = parseRequest(r, body)
	} else {
		in.req = &request{params: url.Values{}, body: body}
	}
	rec := &recorder{ResponseWriter: w}
	rec.record = func() { s.recordCall(ep.name, in.req, r, rec) }
	defer rec.recordNow()
	if rerr != nil && ep.refuseTruncated {
		writeJSON(rec, http.StatusOK, apiError("request_timeout"))
		return
	}

	handled, after := s.injectFault(rec, ep.name, in.req)
	if handled {
		return
	}
	if after == nil || !ep.halfSucceed {
		answer(rec, in)
		return
	}
	answered := newBufferedAnswer()
	answer(answered, in)
	s.answerAfter(rec, after, answered)
}
