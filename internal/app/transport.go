package app

import "net/http"

// slackIdleConns is how many idle connections to Slack's API host the
// client keeps for reuse.
const slackIdleConns = 32

// slackTransport is the HTTP transport of the Web API client: Go's default
// one, keeping more idle connections to the one host it talks to. The
// default keeps two, so a burst of shoutouts, DMs and look-ups opened and
// closed a connection (and against Slack, a TLS handshake) for nearly
// every call beyond the second at a time.
func slackTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = max(t.MaxIdleConns, slackIdleConns)
	t.MaxIdleConnsPerHost = slackIdleConns
	return t
}
