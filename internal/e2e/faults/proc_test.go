package faults

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/apptest"
)

// proc is the bot running as a child process (this test binary in the mode
// TestMain's childEnv selects) against a harness's fake Slack and database.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	logs *apptest.SyncBuffer
	done chan error
}

// startProc starts the bot as a child process with h's configuration and
// waits for its socket: hello number hello counts every socket the fake
// ever opened (1 for the first start, 2 after one restart, …).
func startProc(t *testing.T, h *apptest.Harness, hello int) *proc {
	t.Helper()
	c := h.Config
	env := []string{
		childEnv + "=1",
		"SLACK_BOT_TOKEN=" + c.Slack.BotToken,
		"SLACK_APP_TOKEN=" + c.Slack.AppToken,
		"SLACK_API_URL=" + c.Slack.APIURL,
		"EXTRAMILE_DB_PATH=" + c.DBPath,
		"EXTRAMILE_TIMEZONE=" + c.Timezone.String(),
		"EXTRAMILE_CHANNEL=" + c.Channel,
		"EXTRAMILE_PROMPT_SCHEDULE=" + c.PromptSchedule,
		"EXTRAMILE_ROUNDUP_SCHEDULE=" + c.RoundupSchedule,
		"EXTRAMILE_DIGEST_SCHEDULE=" + c.DigestSchedule,
		"EXTRAMILE_KUDOS_DM_SCHEDULE=" + c.KudosDMSchedule,
		"EXTRAMILE_CATCHUP=" + c.Catchup.String(),
		"EXTRAMILE_KUDOS_EMOJI=" + strings.Join(c.KudosEmoji, ","),
		fmt.Sprintf("EXTRAMILE_KUDOS_DAILY_LIMIT=%d", c.KudosDailyLimit),
		"EXTRAMILE_ADMINS=" + strings.Join(c.Admins, ","),
		"EXTRAMILE_LOG_LEVEL=debug",
		"EXTRAMILE_LOG_FORMAT=text",
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLACK_") && !strings.HasPrefix(kv, "EXTRAMILE_") {
			env = append(env, kv)
		}
	}
	p := &proc{t: t, logs: &apptest.SyncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(os.Args[0], "-test.run=^$")
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start the bot: %v", err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("logs of bot process %d:\n%s", p.cmd.Process.Pid, p.logs.String())
		}
	})
	ctx := waitCtx(t)
	connected := make(chan error, 1)
	go func() { connected <- h.Slack.WaitConnected(ctx, hello) }()
	select {
	case err := <-connected:
		if err != nil {
			t.Fatalf("the bot did not connect: %v\n%s", err, p.logs.String())
		}
	case err := <-p.done:
		p.done <- err
		t.Fatalf("the bot exited while starting (%v):\n%s", err, p.logs.String())
	}
	return p
}

// kill stops the process with SIGKILL (no chance to finish anything) and
// waits for it to be gone. It is safe to call more than once.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL) // fails harmlessly once it has exited
	_ = p.wait()
}

// stop asks the process to stop with SIGTERM and fails the test unless it
// exits cleanly within 10 s.
func (p *proc) stop() {
	p.t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.wait(); err != nil {
		p.t.Fatalf("the bot did not stop cleanly: %v", err)
	}
}

// wait waits for the process to exit (at most 10 s, then it is killed).
func (p *proc) wait() error {
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		err := <-p.done
		p.done <- err
		return errors.Join(errors.New("the bot took more than 10 s to exit"), err)
	}
}
