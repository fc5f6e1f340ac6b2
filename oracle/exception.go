package oracle

import (
	"fmt"

	"lockstep/unicorn"
)

// Unicorn hands the oracle an exception through its interrupt hook before
// QEMU's interrupt delivery runs, so the CPU's "exception in flight"
// (old_exception) is never cleared. The next contributory exception (#DE,
// #TS, #NP, #SS, #GP) is then raised as a double fault (#DF), which the
// oracle would report as SIGSEGV where the program gets SIGFPE: measured on
// a program that divides by zero twice with a SIGFPE handler. After such an
// exception the oracle restores the CPU state saved when it was created
// (no exception in flight) and loads its registers back.

// contributory reports whether vector v is a contributory exception.
func contributory(v int) bool {
	return v == VectorDE || v >= 10 && v <= 13
}

// saveClean keeps the engine's state at creation, with no exception in
// flight.
func (o *Oracle) saveClean(eng *unicorn.Engine) error {
	c, err := eng.NewContext()
	if err != nil {
		return fmt.Errorf("oracle: save the initial CPU state: %w", err)
	}
	o.clean = c
	return nil
}

// clearException forgets the exception in flight after a contributory
// exception, keeping every modelled register.
func (o *Oracle) clearException() error {
	if o.clean == nil {
		return nil
	}
	for g, stale := range o.stale {
		if stale {
			if err := o.readGroup(g); err != nil {
				return err
			}
		}
	}
	buf := make([]byte, len(o.cur))
	copy(buf, o.cur)
	if err := o.eng.RestoreContext(o.clean); err != nil {
		return fmt.Errorf("oracle: clear the exception in flight: %w", err)
	}
	return o.load(buf)
}
