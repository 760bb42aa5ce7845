package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/extramile/extramile/internal/clock"
)

// Job is a named piece of scheduled work.
type Job struct {
	// Name identifies the job in logs, Entries and RunNow ("prompt",
	// "roundup", "digest"); it is unique within a Scheduler.
	Name string
	// Spec is a 5-field cron spec or a descriptor (@weekly, @every 10s,
	// @monthly…) read in Options.Location; see Parse.
	Spec string
	// Run does the work of the firing at scheduledAt. The same firing always
	// gets the same scheduledAt, and a firing may be run more than once (a
	// catch-up after a restart, RunNow), so Run must be idempotent per
	// (Name, scheduledAt): keep a run ledger. ctx is cancelled when Stop
	// gives up waiting or when Start's ctx is cancelled.
	Run func(ctx context.Context, scheduledAt time.Time) error
}

// Options configure a Scheduler. The zero value is usable.
type Options struct {
	// Location is the zone the specs are read in (default UTC).
	Location *time.Location
	// Catchup is the grace window for runs missed while the process was
	// down: at Start, a job whose latest firing is at most this old is run
	// once for it (0 means no catch-up).
	Catchup time.Duration
	// Clock is the scheduler's time (default the system clock): it decides
	// catch-ups, Entries, the scheduledAt of firings, and the runner waits
	// on it for each firing, so a fake clock drives the runner too.
	Clock clock.Clock
	// Logger receives the scheduler's logs (nil discards them).
	Logger *slog.Logger
	// OnRun, when set, hears the end of every run the scheduler attempts
	// (scheduled, caught up or RunNow), with what the run returned. For
	// metrics and tests; it must return quickly.
	OnRun func(Run)
	// OnMissed, when set, hears at Start each job whose latest firing is
	// older than the catch-up window (Catchup > 0): that firing is not run.
	OnMissed func(Missed)
	// Current, when set, is asked at each scheduled firing for the plan the
	// job runs on now; ok is false when it cannot tell (or the job is not
	// one it knows), and the firing runs as planned. Processes that share a
	// database each run a Scheduler: when an admin changes a schedule
	// through one of them, the others learn it here, re-plan (as Reschedule
	// and SetLocation do) and run the firing only if the current plan has a
	// firing due since it took effect, so a firing of the old schedule is
	// not posted by a process that missed the change.
	Current func(ctx context.Context, job string) (plan Plan, ok bool)
}

// Plan is a job's schedule as Options.Current reports it.
type Plan struct {
	Spec     string
	Location *time.Location
	// Since is when the plan took effect (the latest change of the spec
	// or the zone); zero when unknown.
	Since time.Time
}

// Trigger says why a run happened.
type Trigger string

// Triggers of a run.
const (
	TriggerSchedule Trigger = "schedule" // the runner, at a firing
	TriggerCatchup  Trigger = "catchup"  // Start, for a firing missed while the process was down
	TriggerRunNow   Trigger = "run_now"  // RunNow
)

// Run is what became of one run the scheduler attempted.
type Run struct {
	Job         string    // the job's name
	ScheduledAt time.Time // the firing the run was for
	Trigger     Trigger   // why it ran
	// Err is what the run returned (wrapped, naming the job and the
	// firing): nil, the job's error, or an error wrapping ErrStillRunning
	// (skipped: a run of the job was in progress) or ErrPanicked.
	Err error
}

// Missed is a firing that came while the process was down, older than the
// catch-up window at Start: it is skipped, not run.
type Missed struct {
	Job         string        // the job's name
	ScheduledAt time.Time     // the job's latest firing before Start
	Age         time.Duration // how long before Start it was
	Catchup     time.Duration // the catch-up window (Options.Catchup)
}

// Entry describes a job added to a Scheduler, for status pages and logs.
type Entry struct {
	Name        string    // the job's name
	Spec        string    // the job's spec, as given
	Description string    // the spec in words (see Describe), without the zone
	Next        time.Time // the job's next firing after Now(), in Location; zero if none
}

// Errors returned by RunNow (and by the job wrappers, in logs); test them
// with errors.Is.
var (
	// ErrUnknownJob is returned by RunNow for a name that was never added.
	ErrUnknownJob = errors.New("unknown job")
	// ErrStillRunning is returned when a job is asked to run while a run of
	// it has not returned yet; the new run is skipped.
	ErrStillRunning = errors.New("job still running")
	// ErrPanicked is returned when a job panicked; the panic was recovered
	// and logged with its stack.
	ErrPanicked = errors.New("job panicked")
)

// Attribute keys of the scheduler's logs.
const (
	keyJob         = "job"
	keySpec        = "spec"
	keyScheduledAt = "scheduled_at"
	keyErr         = "err"
)

// state is where a Scheduler is in its one-way life.
type state int

const (
	stateNew state = iota
	stateStarted
	stateStopped
)

// task is an added job with its parsed schedule.
type task struct {
	Job
	sched Schedule
	desc  string
	busy  chan struct{} // holds a token while a run of the job is in progress

	// Set once started (under Scheduler.mu): closing stop ends the task's
	// runner loop (Reschedule), and floor is the moment from which the
	// runner owns the firings (Start, Reschedule).
	stop  chan struct{}
	floor time.Time
	// last is the latest firing the runner or Reschedule started (Unix
	// nanoseconds), so Reschedule can tell a due firing from a done one.
	last *atomic.Int64
	// ran is the latest firing whose run actually started (Unix
	// nanoseconds): a claimed firing may be dropped (stillDue).
	ran *atomic.Int64
	// ranWall, after a change of zone, is the wall-clock time (as if in
	// UTC) of the latest firing started in the old zone: the new zone's
	// firing at the same wall-clock time is that firing, and is not run again.
	ranWall time.Time
}

// next is t's first firing strictly after after, leaving out the one that
// already ran in the zone before a change (ranWall).
func (t *task) next(after time.Time) time.Time {
	n := t.sched.Next(after)
	if !n.IsZero() && !t.ranWall.IsZero() && wallClock(n).Equal(t.ranWall) {
		n = t.sched.Next(n)
	}
	return n
}

// sameDayZoneChange bounds how old a firing of the new zone may be for
// SetLocation to run it at once: one that did not run in the old zone
// (moving east past it) and came within this.
const sameDayZoneChange = 24 * time.Hour

// Scheduler runs jobs on their cron schedules. Add jobs, then Start it once
// and Stop it once; a stopped Scheduler does not start again. Its methods
// are safe for concurrent use.
type Scheduler struct {
	loc      *time.Location
	catchup  time.Duration
	clock    clock.Clock
	log      *slog.Logger
	onRun    func(Run)
	onMissed func(Missed)
	current  func(ctx context.Context, job string) (Plan, bool)

	mu       sync.Mutex
	state    state
	tasks    []*task // in Add order
	byName   map[string]*task
	stopRun  chan struct{}      // closed by Stop: the runner does no new firing
	cancel   context.CancelFunc // cancels the jobs' context
	jobCtx   context.Context    // the jobs' context, once started
	done     chan struct{}      // closed once the runner and catch-ups have finished after Stop
	runner   sync.WaitGroup     // the runner's loops and the runs they started
	catchups sync.WaitGroup
}

// New returns a Scheduler configured by opts, with no jobs.
func New(opts Options) *Scheduler {
	s := &Scheduler{
		loc:      opts.Location,
		catchup:  opts.Catchup,
		clock:    opts.Clock,
		log:      opts.Logger,
		onRun:    opts.OnRun,
		onMissed: opts.OnMissed,
		current:  opts.Current,
		byName:   make(map[string]*task),
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.clock == nil {
		s.clock = clock.System()
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// Add registers j. It parses j.Spec in the scheduler's location (the error
// names the job and the spec and says what a valid spec looks like) and
// fails for an empty or duplicate name, a nil Run, or after Start or Stop.
func (s *Scheduler) Add(j Job) error {
	if j.Name == "" {
		return errors.New("add job: empty name")
	}
	if j.Run == nil {
		return fmt.Errorf("add job %q: nil Run func", j.Name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sched, err := Parse(j.Spec, s.loc)
	if err != nil {
		return fmt.Errorf("add job %q: %w", j.Name, err)
	}
	if s.state != stateNew {
		return fmt.Errorf("add job %q: scheduler already started", j.Name)
	}
	if _, dup := s.byName[j.Name]; dup {
		return fmt.Errorf("add job %q: a job with this name was already added", j.Name)
	}
	t := &task{Job: j, sched: sched, desc: Describe(j.Spec, s.loc), busy: make(chan struct{}, 1), last: new(atomic.Int64), ran: new(atomic.Int64)}
	s.tasks = append(s.tasks, t)
	s.byName[j.Name] = t
	return nil
}

// Start first decides the catch-ups (see Options.Catchup) and runs them in
// the background, then starts the runner; it returns at once. Jobs get
// a context derived from ctx; cancelling ctx also stops new firings (call
// Stop to wait for running jobs). Start does nothing after the first Start
// or after Stop.
func (s *Scheduler) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateNew {
		s.log.Warn("scheduler start ignored: already started or stopped")
		return
	}
	s.state = stateStarted
	jobCtx, cancel := context.WithCancel(ctx)
	s.cancel, s.jobCtx = cancel, jobCtx

	now := s.now()
	s.startCatchups(jobCtx, now)

	s.stopRun = make(chan struct{})
	s.jobCtx = jobCtx
	for _, t := range s.tasks {
		s.plan(t, now)
	}
}

// Stop stops the runner (no new firings) and waits for running jobs and
// catch-ups to return, until ctx is done: then it cancels the jobs' context
// and returns ctx's error. Stop may be called more than once (each call
// waits again) and before Start (the Scheduler then never starts).
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	switch s.state {
	case stateNew:
		s.state = stateStopped
	case stateStarted:
		s.state = stateStopped
		s.done = make(chan struct{})
		close(s.stopRun)
		go func(done chan struct{}) {
			s.runner.Wait()
			s.catchups.Wait()
			close(done)
		}(s.done)
	}
	done, cancel := s.done, s.cancel
	s.mu.Unlock()
	if done == nil {
		return nil // never started
	}
	select {
	case <-done:
		cancel()
		s.log.Info("scheduler stopped")
		return nil
	case <-ctx.Done():
		cancel()
		return fmt.Errorf("stop scheduler: waiting for running jobs: %w", ctx.Err())
	}
}

// RunNow runs the named job's body for scheduledAt synchronously, through
// the same wrappers as scheduled runs: a panic is recovered and returned as
// ErrPanicked, a run while another run of the job is in progress is skipped
// with ErrStillRunning, and errors are logged and returned. scheduledAt is
// passed as given (a Schedule's Prev gives a real firing). It works whether
// or not the Scheduler is started; the job gets ctx.
func (s *Scheduler) RunNow(ctx context.Context, name string, scheduledAt time.Time) error {
	s.mu.Lock()
	t := s.byName[name]
	s.mu.Unlock()
	if t == nil {
		return fmt.Errorf("run job %q: %w", name, ErrUnknownJob)
	}
	s.log.Info("running job on demand", keyJob, name, keyScheduledAt, scheduledAt)
	return s.invoke(ctx, t, scheduledAt, TriggerRunNow)
}

// Entries lists the jobs in Add order with their next firing after Now().
func (s *Scheduler) Entries() []Entry {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Entry, 0, len(s.tasks))
	for _, t := range s.tasks {
		out = append(out, Entry{Name: t.Name, Spec: t.Spec, Description: t.desc, Next: t.next(now)})
	}
	return out
}

// now reads the scheduler's clock.
func (s *Scheduler) now() time.Time { return s.clock.Now() }

// plan gives t to the runner for its firings after now: those up to now
// belong to the catch-up (or to Reschedule), whatever the two clocks say.
// The caller holds s.mu, and the Scheduler is started.
func (s *Scheduler) plan(t *task, now time.Time) {
	t.floor = now
	t.stop = make(chan struct{})
	s.runner.Add(1)
	go s.runLoop(s.jobCtx, t, now)
	s.log.Info("job scheduled", keyJob, t.Name, keySpec, t.Spec, "when", t.desc, "zone", s.loc.String(), "next", t.next(now))
}

// Reschedule gives the named job a new spec at once, without a restart.
// The spec is parsed as Add does (an invalid one changes nothing). Once
// started, the runner drops the old schedule and takes the new one's
// firings after now; a firing of the old schedule that was due (after the
// runner took the job, at or before now) but not yet started is run now,
// in the background, so a change made just as a firing comes never skips
// it; a firing of the new schedule at or before now is not run (it was not
// due before the change). Runs of the job never overlap (a run in progress
// makes a second one skip), and the job's ledger makes a firing run twice
// a no-op. Reschedule fails for an unknown job and after Stop.
func (s *Scheduler) Reschedule(name, spec string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sched, err := Parse(spec, s.loc)
	if err != nil {
		return fmt.Errorf("reschedule job %q: %w", name, err)
	}
	old := s.byName[name]
	switch {
	case old == nil:
		return fmt.Errorf("reschedule job %q: %w", name, ErrUnknownJob)
	case s.state == stateStopped:
		return fmt.Errorf("reschedule job %q: scheduler stopped", name)
	}
	s.replace(old, spec, sched, s.now(), time.Time{})
	s.log.Info("job rescheduled", keyJob, name, "from", old.Spec, "to", spec)
	return nil
}

// SetLocation reads every job's spec in loc from now on, at once, without a
// restart: each job is re-planned as Reschedule does (a firing of the old
// zone that was due but not started is run; the new zone's firings after
// now are the runner's). A firing is a wall-clock time of a day, so a
// change of zone neither doubles nor skips one: the new zone's firing at
// the wall-clock time of the latest one run in the old zone is left out
// (moving west after it ran), and the new zone's latest firing, of a later
// wall-clock time than any run and at most a day old, is run at once
// (moving east past it before it ran). Entries and Describe then speak of loc. A spec that does not parse
// in loc (none does so today: zones do not change what parses) changes
// nothing. SetLocation fails after Stop.
func (s *Scheduler) SetLocation(loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateStopped {
		return errors.New("set location: scheduler stopped")
	}
	scheds := make([]Schedule, len(s.tasks))
	for i, t := range s.tasks {
		sched, err := Parse(t.Spec, loc)
		if err != nil {
			return fmt.Errorf("set location %s: job %q: %w", loc, t.Name, err)
		}
		scheds[i] = sched
	}
	from := s.loc
	s.loc = loc
	now := s.now()
	for i, old := range append([]*task(nil), s.tasks...) {
		var ranWall time.Time
		if ran := old.ran.Load(); ran != 0 {
			ranWall = wallClock(time.Unix(0, ran).In(from))
		}
		s.replace(old, old.Spec, scheds[i], now, ranWall)
		t := s.byName[old.Name]
		// Moving east past a firing: the new zone's latest one, of a later
		// day or hour than any run in the old zone, runs now rather than
		// being skipped.
		due := t.sched.Prev(now)
		if s.state != stateStarted || ranWall.IsZero() || due.IsZero() || now.Sub(due) > sameDayZoneChange ||
			!wallClock(due).After(ranWall) || !due.After(t.floor.Add(-sameDayZoneChange)) || !claimFiring(t, due) {
			continue
		}
		s.log.Info("running the firing the new time zone has already passed", keyJob, t.Name, keyScheduledAt, due)
		s.catchups.Add(1)
		go func() {
			defer s.catchups.Done()
			_ = s.invoke(s.jobCtx, t, due, TriggerSchedule) // logged by invoke
		}()
	}
	s.log.Info("time zone changed: every job re-planned", "from", from.String(), "to", loc.String())
	return nil
}

// replace puts a task with spec (parsed as sched, in s.loc) in old's place,
// with ranWall (see task).
// When started, old's runner loop ends, a firing of old that was due and not
// started yet is run in the background, and the new task is planned after
// now. The caller holds s.mu, and the Scheduler is not stopped.
func (s *Scheduler) replace(old *task, spec string, sched Schedule, now, ranWall time.Time) {
	t := &task{Job: old.Job, sched: sched, desc: Describe(spec, s.loc), busy: old.busy, last: old.last, ran: old.ran, ranWall: ranWall}
	t.Spec = spec
	for i, x := range s.tasks {
		if x == old {
			s.tasks[i] = t
		}
	}
	s.byName[old.Name] = t
	if s.state != stateStarted {
		return
	}
	close(old.stop) // its runner loop ends
	if due := old.sched.Prev(now); !due.IsZero() && due.After(old.floor) && claimFiring(old, due) {
		s.log.Info("running the firing that was due before the change", keyJob, old.Name, keyScheduledAt, due)
		s.catchups.Add(1)
		go func() {
			defer s.catchups.Done()
			_ = s.invoke(s.jobCtx, old, due, TriggerSchedule) // logged by invoke
		}()
	}
	s.plan(t, now)
}

// Location returns the zone the specs are read in now.
func (s *Scheduler) Location() *time.Location {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loc
}
