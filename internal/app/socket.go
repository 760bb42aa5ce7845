package app

import "time"

// socketPingInterval is how long slack-go waits for Slack's next websocket
// ping before it drops the socket and reconnects (socketmode.OptionPingInterval;
// 30 s is slack-go's default and the official SDKs' server ping timeout).
// /readyz says not ready once nothing, not even a ping, came for this long;
// the adapter's watchdog (slackapp.DefaultSilenceLimit) acts at twice that.
const socketPingInterval = 30 * time.Second
