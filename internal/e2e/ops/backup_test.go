package ops

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	_ "modernc.org/sqlite" // the copy's integrity_check

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

// TestBackupWhileStoriesArrive backs up the running bot's database, as
// `extramile backup` does, while people keep sharing stories: the copy
// opens, passes integrity_check, and holds every story whose command was
// acked before the backup started.
func TestBackupWhileStoriesArrive(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	ctx := h.Ctx()

	var (
		mu    sync.Mutex
		acked []string // story texts, in the order their acks came
		stop  atomic.Bool
		wg    sync.WaitGroup
	)
	authors := []string{apptest.Alice, apptest.Bob, apptest.Carol}
	for w, author := range authors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				text := fmt.Sprintf("stayed late, writer %d story %d, to fix the customer's import", w, i)
				id, err := h.Slack.Send(ctx, slackfake.TypeSlashCommands, h.Slack.SlashCommand(author, apptest.General, "<@UADMIN|ada> "+text))
				if err != nil {
					t.Errorf("send: %v", err)
					return
				}
				if _, err := h.Slack.WaitAck(ctx, id); err != nil {
					t.Errorf("ack: %v", err)
					return
				}
				mu.Lock()
				acked = append(acked, text)
				mu.Unlock()
			}
		}()
	}
	ackedSoFar := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), acked...)
	}
	h.Eventually("20 stories acked", func() bool { return len(ackedSoFar()) >= 20 })

	before := ackedSoFar()
	db, err := storage.OpenReadOnly(ctx, h.Config.DBPath) // a second handle, as the command opens it
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "backup.db")
	err = db.Backup(ctx, to)
	db.Close()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	h.Eventually("stories acked after the backup", func() bool { return len(ackedSoFar()) >= len(before)+5 })
	stop.Store(true)
	wg.Wait()

	raw, err := sql.Open("sqlite", to)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := raw.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check of the copy: %q, %v", check, err)
	}
	raw.Close()

	copyDB, err := storage.Open(ctx, to)
	if err != nil {
		t.Fatalf("the copy does not open: %v", err)
	}
	defer copyDB.Close()
	e, err := copyDB.Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, s := range e.Stories {
		have[s.Text] = true
	}
	for _, text := range before {
		if !have[text] {
			t.Errorf("acked before the backup but not in the copy: %q", text)
		}
	}
	if all := len(h.Export().Stories); all <= len(e.Stories) {
		t.Errorf("stories: %d in the copy, %d now; want more now (writes went on)", len(e.Stories), all)
	}
	t.Logf("%d stories acked before the backup, %d in the copy, %d in the end", len(before), len(e.Stories), len(h.Export().Stories))
}
