package oracle

import (
	"testing"
)

// TestRepeatedContributoryFaults: the same exception again, after the
// program's handler resumed past it, is the same signal again (not a
// double fault): #DE three times, and #DE after #GP.
func TestRepeatedContributoryFaults(t *testing.T) {
	tests := []struct {
		name string
		code string // faulting instructions, each resumed past
		lens []int
		want []FaultInfo
	}{
		{"div by zero thrice", "48f7f148f7f148f7f1", []int{3, 3, 3},
			[]FaultInfo{{Signal: sigFPE, Vector: VectorDE}, {Signal: sigFPE, Vector: VectorDE}, {Signal: sigFPE, Vector: VectorDE}}},
		{"hlt then div", "f448f7f1", []int{1, 3},
			[]FaultInfo{{Signal: sigSEGV, Vector: VectorGP}, {Signal: sigFPE, Vector: VectorDE}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOracle(t, tt.code, nil)
			pc := uint64(textBase)
			for i, want := range tt.want {
				wantFault(t, o.step(), want)
				// The handler resumes after the instruction: adopt as the
				// harness does after rt_sigreturn.
				pc += uint64(tt.lens[i])
				s := o.regs()
				s.SetUint64("rip", pc)
				if err := o.Adopt(s); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
