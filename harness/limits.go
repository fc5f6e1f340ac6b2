package harness

import (
	"context"
	"errors"
	"time"
)

// Limits a run can reach before the program ends (Result.LimitReached).
const (
	LimitSteps = "steps" // Config.MaxSteps
	LimitTime  = "time"  // Config.TimeLimit
	// LimitWindow: the run reached the end of its Config.Window.
	LimitWindow = "window"
)

// errTimeLimit is the cause of the context of a run that reached
// Config.TimeLimit.
var errTimeLimit = errors.New("time limit reached")

// loopWithin runs the loop under Config.TimeLimit. Reaching the limit,
// wherever it interrupts the run (in a step, a memory read, a protocol
// exchange), ends the run as a limit, not as an error; the end of ctx
// itself stays an error.
func (r *run) loopWithin(ctx context.Context) error {
	if r.cfg.TimeLimit <= 0 {
		return r.loop(ctx)
	}
	deadline := time.Now().Add(r.cfg.TimeLimit)
	parent, hasParent := ctx.Deadline()
	ours := !hasParent || deadline.Before(parent)
	lctx, cancel := context.WithDeadlineCause(ctx, deadline, errTimeLimit)
	defer cancel()
	err := r.loop(lctx)
	// A target's I/O may time out at the deadline a moment before the
	// context's own timer fires: the clock decides, not only the cause.
	if err != nil && ctx.Err() == nil && (context.Cause(lctx) == errTimeLimit ||
		ours && errors.Is(err, context.DeadlineExceeded) && !time.Now().Before(deadline)) {
		r.limitReached(LimitTime)
		return nil
	}
	return err
}

// limitReached ends the run at a limit: it agrees so far unless a
// divergence was recorded (Run turns the outcome into Diverge then).
func (r *run) limitReached(which string) {
	r.res.LimitReached = which
	if r.res.Outcome == "" {
		r.res.Outcome = Agree
	}
}
