package compose

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile/internal/blockkit"
)

// limitFallback is the project's limit on a message's fallback text: Slack truncates text
// past 40,000 characters, and recommends staying under 4,000.
const limitFallback = 4000

// Check reports every way m breaks Block Kit's limits or Slack's rules, as
// internal/blockkit checks them (strictly: a block or element type it does not
// check in full is reported too), plus the project's rule that the fallback text
// is set and under 4000 characters. A message holds at most 50 blocks (100 when
// modal is set). nil means it is fine.
func Check(m Message, modal bool) error {
	var problems []error
	switch n := utf8.RuneCountInString(m.Text); {
	case n == 0:
		problems = append(problems, errors.New("text: the fallback text is empty"))
	case n >= limitFallback:
		problems = append(problems, fmt.Errorf("text: %d characters, must stay under %d", n, limitFallback))
	}
	max := blockkit.MaxMessageBlocks
	if modal {
		max = blockkit.MaxViewBlocks
	}
	raw, err := json.Marshal(blocksOrEmpty(m.Blocks))
	if err != nil {
		return errors.Join(append(problems, fmt.Errorf("blocks: %w", err))...)
	}
	return joinProblems(problems, blockkit.Blocks(raw, max, "/blocks", blockkit.Strict))
}

// CheckModal reports every way v breaks the rules of a modal view, as
// internal/blockkit checks them (strictly), and at most 250 kB of JSON.
func CheckModal(v slack.ModalViewRequest) error {
	return checkView(v, slack.VTModal)
}

// CheckHome reports every way v breaks the rules of a Home tab view, as
// internal/blockkit checks them (strictly), and at most 250 kB of JSON.
func CheckHome(v slack.HomeTabViewRequest) error {
	return checkView(v, slack.VTHomeTab)
}

// checkView checks a view request of type want as the fake Slack's views.* do.
func checkView(v any, want slack.ViewType) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("json: %w", err)
	}
	var problems []error
	if len(raw) > blockkit.MaxViewJSONBytes {
		problems = append(problems, fmt.Errorf("json: %d bytes, max %d", len(raw), blockkit.MaxViewJSONBytes))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("json: %w", err)
	}
	return joinProblems(problems, blockkit.View(fields, string(want), "/view", blockkit.Strict))
}

// blocksOrEmpty keeps a nil block list an empty JSON array.
func blocksOrEmpty(b []slack.Block) []slack.Block {
	if b == nil {
		return []slack.Block{}
	}
	return b
}

// joinProblems joins errors and Block Kit problems into one error (nil for none).
func joinProblems(errs []error, ps []blockkit.Problem) error {
	for _, p := range ps {
		errs = append(errs, p)
	}
	return errors.Join(errs...)
}
