// Package minimize turns the first divergence of a lockstep run into a
// small standalone reproducer (a repro.Case) with the host CPU's verdict.
//
// The path has three parts:
//
//   - Extraction (Extract): from a judged divergence, whose
//     harness.Divergence.Before holds the reference's registers before the
//     divergent instruction, the x87 tag word and YMM upper halves, and the
//     pages the host's run of the instruction touched, build a case with
//     every register the case format knows (rip aside: it is the first
//     instruction's address), one memory region per run of pages, and the
//     divergent instruction alone.
//   - Reproduction (Runner): write the case's ELF into a temporary
//     directory, run it in lockstep (QEMU, the Unicorn oracle, the host CPU
//     as judge, follower-wrong divergences reported rather than corrected)
//     and compare the first divergence's Signature with the recorded one:
//     same instruction (address and bytes), kind, register or address,
//     reference and oracle values, and verdict.
//   - Reduction (Minimize): delta debugging (ddmin) while the signature
//     holds: registers are dropped to the case format's defaults, then
//     pages are dropped, then bytes are zeroed (64-byte chunks, then single
//     bytes). When the one-instruction case does not reproduce, the window
//     grows backwards over the run's history, one instruction at a time,
//     up to Options.MaxWindow.
//
// Every run has a deadline (Options.RunTimeout), the number of runs is
// bounded (Options.MaxRuns) and the caller's context bounds the whole.
// When a bound is reached the reduction stops with the smallest case that
// reproduced so far, and the result says so.
package minimize
