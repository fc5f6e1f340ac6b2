package harness

import (
	"context"
	"testing"

	"lockstep/machine"
)

// sigRef is a fake reference that delivers SIGALRM to a handler at
// sigHandler.
type sigRef struct{ *fakeRef }

const (
	sigHandler = 0x9000
	sigalrm    = 14
)

func (r sigRef) Handled(sig int) bool { return sig == sigalrm }
func (r sigRef) Deliver(context.Context) (machine.Stop, error) {
	r.regs.SetUint64("rip", sigHandler)
	return machine.Stop{Kind: machine.Delivered, PC: sigHandler, Signal: sigalrm}, nil
}

// sigFol is a fake follower that takes signals itself.
type sigFol struct {
	*fakeFol
	undoMismatch, deliverMismatch string
	undone, delivered             int
	deliveredSig                  int
	handlerPC                     uint64
}

func (f *sigFol) UndoStep(context.Context) (string, error) {
	f.undone++
	return f.undoMismatch, nil
}

func (f *sigFol) DeliverSignal(_ context.Context, sig int, at *machine.Snapshot) (string, error) {
	f.delivered++
	f.deliveredSig = sig
	f.handlerPC, _ = at.Uint64("rip")
	return f.deliverMismatch, nil
}

// TestSignalFollower: a follower that takes signals itself has its step
// undone when the reference's asynchronous signal pre-empts it, is handed
// the signal and the handler's registers instead of adopting them, and a
// delivery it cannot follow is a divergence of kind signal, unjudged.
func TestSignalFollower(t *testing.T) {
	for _, tt := range []struct {
		name          string
		undo, deliver string
		wantUndone    int
		wantDelivered int
		wantDetail    string
	}{
		{name: "undo refused", undo: "a system call was made", wantUndone: 1, wantDetail: "a system call was made"},
		{name: "delivery differs", deliver: "the test stopped elsewhere", wantUndone: 1, wantDelivered: 1, wantDetail: "the test stopped elsewhere"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			steps := []fakeStep{
				{code: addRaxRbx, ref: map[string]uint64{"rax": 1}},
				{code: addRaxRbx, stop: machine.Signalled, signal: sigalrm},
			}
			ref := sigRef{newFakeRef(steps)}
			var fol *sigFol
			cfg := Config{Reference: ref, NewFollower: func(ctx context.Context, r Reference) (Follower, error) {
				fol = &sigFol{fakeFol: &fakeFol{ref: ref.fakeRef, regs: r.Registers().Clone(), mem: fakeMem{}},
					undoMismatch: tt.undo, deliverMismatch: tt.deliver}
				return fol, nil
			}}
			res := Run(context.Background(), cfg)
			if fol.undone != tt.wantUndone || fol.delivered != tt.wantDelivered {
				t.Fatalf("undone %d, delivered %d; want %d, %d (outcome %s, %v)", fol.undone, fol.delivered, tt.wantUndone, tt.wantDelivered, res.Outcome, res.Err)
			}
			if tt.wantDelivered > 0 && (fol.deliveredSig != sigalrm || fol.handlerPC != sigHandler) {
				t.Errorf("delivered signal %d with the handler at %#x", fol.deliveredSig, fol.handlerPC)
			}
			if fol.adopted > 1 { // the entry state only
				t.Errorf("the follower adopted the reference's state %d times: it takes signals itself", fol.adopted)
			}
			if res.Outcome != Diverge || len(res.Divergences) != 1 {
				t.Fatalf("outcome %s, divergences %+v, err %v", res.Outcome, res.Divergences, res.Err)
			}
			d := res.Divergences[0]
			if d.Kind != KindSignal || d.Verdict != Unjudged || d.Detail != tt.wantDetail {
				t.Errorf("divergence %s %s %q; want signal, unjudged, %q", d.Kind, d.Verdict, d.Detail, tt.wantDetail)
			}
		})
	}
}
