// Package blockpreview draws Block Kit (messages, modals and the App Home) as SVG pictures,
// laid out roughly as Slack's desktop client lays them out, for the README's "What it looks
// like" (docs/img, made from the compose goldens by this package's tests).
//
// It is an approximation of Slack's rendering for documentation, not a test oracle: fonts,
// spacing and colours are close to Slack's light theme, not exact, and a block it does not know
// is an error rather than a guess. What the bot sends is checked by the goldens and by Slack's
// own types in CI, never by these pictures.
package blockpreview
