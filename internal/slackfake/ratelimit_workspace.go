package slackfake

// workspaceKey is where a method's workspace-wide limit is kept among the
// per-channel ones (a name no Web API method has).
func workspaceKey(method string) string { return "workspace:" + method }

// SetWorkspaceRateLimit limits method to perMinute calls per minute across
// the whole workspace, whatever the channel, with bursts of up to burst
// calls: a token bucket, on top of any per-channel limit (SetRateLimit).
// Slack documents chat.postMessage as "several hundred per minute" per
// workspace, with short bursts allowed. Calls over the limit answer HTTP 429
// with Retry-After: the whole seconds until a call would pass (at least 1),
// and count in RateLimited. perMinute <= 0 removes the limit. The bucket
// follows the server's clock (WithClock) and starts full.
func (s *Server) SetWorkspaceRateLimit(method string, perMinute float64, burst int) {
	s.SetRateLimit(workspaceKey(method), perMinute/60, burst)
}

// overWorkspaceLimit takes a token of method's workspace-wide bucket, or
// returns the Retry-After in seconds when there is none. s.mu must be held.
func (s *Server) overWorkspaceLimit(method string) (int, bool) {
	return s.overLimit(workspaceKey(method), "")
}
