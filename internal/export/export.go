// Package export writes what Extra Mile keeps as JSON (stories and kudos) or
// CSV (stories), for `extramile export`.
package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/extramile/extramile"
)

// WriteJSON writes the export as one indented JSON document.
func WriteJSON(w io.Writer, e *extramile.Export) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(e); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// CSVHeader is the first row of the stories CSV.
var CSVHeader = []string{"id", "author", "recognized", "category", "audience", "text", "channel", "private", "permalink", "created_at", "lesson", "follow_up"}

// WriteCSV writes the stories, one row each; recognized users are separated
// by spaces. Cells that a spreadsheet would run as a formula are prefixed
// with a single quote.
func WriteCSV(w io.Writer, e *extramile.Export) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, s := range e.Stories {
		row := []string{
			strconv.FormatInt(s.ID, 10), s.Author, strings.Join(s.Recognized, " "), s.Category, s.Audience,
			defuse(s.Text), s.Channel, strconv.FormatBool(s.Private), s.Permalink, s.CreatedAt.UTC().Format(time.RFC3339),
			defuse(s.Lesson), defuse(s.FollowUp),
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// defuse keeps spreadsheet programs from treating user text as a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
