package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"github.com/extramile/extramile/internal/logbuf"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is a process the bench started: the bot or the floor app.
type child struct {
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan error
}

// startChild starts path with args and env (added to the environment, minus
// SLACK_* and EXTRAMILE_* variables).
func startChild(path string, args, env []string) (*child, error) {
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLACK_") && !strings.HasPrefix(kv, "EXTRAMILE_") {
			env = append(env, kv)
		}
	}
	c := &child{logs: &syncBuffer{}, done: make(chan error, 1)}
	c.cmd = exec.Command(path, args...)
	c.cmd.Env = env
	c.cmd.Stdout, c.cmd.Stderr = c.logs, c.logs
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	go func() { c.done <- c.cmd.Wait() }()
	return c, nil
}

// stop sends SIGTERM and waits up to timeout, then kills the process.
func (c *child) stop(timeout time.Duration) error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		c.done <- err
		return err
	case <-time.After(timeout):
		_ = c.cmd.Process.Kill()
		err := <-c.done
		c.done <- err
		return errors.Join(fmt.Errorf("%s did not stop within %v", c.cmd.Path, timeout), err)
	}
}

// exited reports whether the process has ended, with its error.
func (c *child) exited() (bool, error) {
	select {
	case err := <-c.done:
		c.done <- err
		return true, err
	default:
		return false, nil
	}
}

// memory is a process's resident set, from /proc/PID/status.
type memory struct {
	RSS  int64 // bytes now (VmRSS)
	Peak int64 // bytes at most so far (VmHWM)
}

// memory reads the process's resident set (Linux only).
func (c *child) memory() (memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return memory{}, fmt.Errorf("read memory: %w", err)
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("read memory: %s: %w", k, err)
		}
		if k == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.Peak = kb << 10
		}
	}
	return m, sc.Err()
}

// sampleMemory reads the process's memory every interval until ctx is
// done, and returns the largest resident set seen and the last one.
func (c *child) sampleMemory(ctx context.Context, interval time.Duration) (maxRSS, last int64) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if m, err := c.memory(); err == nil {
			maxRSS, last = max(maxRSS, m.RSS), m.RSS
		}
		select {
		case <-ctx.Done():
			return maxRSS, last
		case <-t.C:
		}
	}
}

// syncBuffer collects a process's output from its goroutines.
type syncBuffer = logbuf.Buffer

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

var _ io.Writer = (*syncBuffer)(nil)
