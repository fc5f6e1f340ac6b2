package harness

import (
	"time"

	"lockstep/machine"
)

// Outcome is how a lockstep run ended.
type Outcome string

// Outcomes of a run.
const (
	// Agree: both sides agreed on every compared instruction to the end
	// (exit, or a step or time limit: see Result.LimitReached).
	Agree Outcome = "agree"
	// Diverge: the sides differed; see Result.Divergences.
	Diverge Outcome = "diverge"
	// FaultOutcome: both sides faulted alike at the same instruction.
	FaultOutcome Outcome = "fault"
	// UnsupportedOutcome: the follower cannot execute an instruction the
	// reference executed.
	UnsupportedOutcome Outcome = "unsupported"
	// ErrorOutcome: the run could not be completed (bad input, a target
	// failed, the start address was not reached).
	ErrorOutcome Outcome = "error"
)

// Kind classifies a divergence.
type Kind string

// Divergence kinds.
const (
	KindRegister Kind = "register"
	KindFlags    Kind = "flags"
	KindMemory   Kind = "memory"
	KindFault    Kind = "fault"
	KindExit     Kind = "exit"
	KindOutput   Kind = "output"
	KindRepeat   Kind = "repeat"
	KindSignal   Kind = "signal"
)

// Result is the outcome of a lockstep run.
type Result struct {
	Outcome  Outcome
	Steps    uint64         // instructions (and rep iterations) compared
	Skipped  uint64         // reference steps run before comparing began (StartAt)
	Syscalls uint64         // system calls the follower adopted
	Signals  uint64         // signals delivered to handlers and followed
	Synced   map[string]int // instructions taken from the reference, by mnemonic
	// ExitStatus is the program's exit status, when it exited.
	ExitStatus *int
	// LimitReached is LimitSteps or LimitTime when the run ended at
	// Config.MaxSteps or Config.TimeLimit before the program ended.
	LimitReached string
	// Signal is the Linux signal number of an agreed fault, or of the
	// reference's death.
	Signal int
	// FaultPC is where an agreed fault happened.
	FaultPC uint64
	// Unsupported names the instruction the follower could not execute,
	// and UnsupportedReason says why.
	Unsupported       *Instruction
	UnsupportedReason string
	// UnsupportedProgram says that what could not be followed is the
	// program's behaviour at Unsupported (it creates a thread), not an
	// instruction the follower lacks.
	UnsupportedProgram bool
	// Divergences holds the first divergence, and more with KeepGoing.
	Divergences []Divergence
	// NotCompared lists registers of the layout not compared, with why,
	// in layout order.
	NotCompared []NotCompared
	Duration    time.Duration
	// CPUModel is the reference's CPU model, as the caller set it.
	CPUModel string
	// Err is the error that ended the run with ErrorOutcome.
	Err error

	// Host names the host CPU that judged divergences ("" without an
	// arbiter), and ArbiterOff says why there was none.
	Host       string
	ArbiterOff string
	// ArbiterEvery: every instruction was judged, not only divergences.
	ArbiterEvery bool
	// OracleCorrections counts, by mnemonic, the divergences where the
	// host sided with the reference: the follower adopted the
	// reference's state and the run went on.
	OracleCorrections map[string]int
	// Tolerated counts, by mnemonic, differences within what the
	// architecture allows (verdict tolerance), adopted the same way.
	Tolerated map[string]int
	// Judged counts the instructions run on the host; Unjudged counts,
	// by reason, those it could not run (with ArbiterEvery).
	Judged   uint64
	Unjudged map[string]int
	// Native counts, by mnemonic, the instructions the follower could not
	// execute itself and had the host CPU run.
	Native map[string]int
	// Mode is "block" when the reference ran freely and was compared at
	// block boundaries ("" in step mode; the caller may name it). Windows
	// counts the free runs and Blocks the boundaries compared.
	Mode    string
	Windows uint64
	Blocks  uint64
	// Window is the part of the run compared (Config.Window), and Split
	// the parts of a run checked in parts (session.RunWindows).
	Window *Window
	Split  []SplitPart
	// Pairing is set when the follower is an emulator under test rather
	// than the oracle (see Pairing).
	Pairing *Pairing
}

// NotCompared is a register left out of the comparison.
type NotCompared struct {
	Register string `json:"register"`
	Reason   string `json:"reason"`
}

// Instruction is an executed instruction as reports show it.
type Instruction struct {
	PC    uint64
	Bytes []byte
	Text  string // disassembly
}

// RegChange is one register changed by an instruction.
type RegChange struct {
	Name  string
	Value []byte
}

// HistoryEntry is one recently executed instruction and what it changed.
type HistoryEntry struct {
	Step uint64
	Instruction
	Changed []RegChange
}

// Divergence is one difference between the sides.
type Divergence struct {
	Step        uint64
	Instruction Instruction
	Kind        Kind
	// Register names the differing register (KindRegister, KindFlags).
	Register string
	// Address is the first differing byte (KindMemory), with Len bytes
	// compared from it.
	Address uint64
	// Reference and Follower hold the differing values: the register, or
	// the memory bytes from Address.
	Reference, Follower []byte
	// FlagBits names the differing rflags bits (KindFlags).
	FlagBits string
	// Detail explains faults, exits and memory context in words.
	Detail string
	// Mapping is the region holding Address.
	Mapping string
	// Window is a hex dump around Address with the differing bytes marked.
	Window string
	// Others lists further registers that differ at the same step.
	Others []string
	// History is the instructions before this one, oldest first.
	History []HistoryEntry
	// Diff is a unified diff of both full register snapshots.
	Diff string
	// Verdict is the host CPU's judgement ("" without an arbiter), with
	// the reason for tolerance and unjudged, and Hardware the host's value
	// in the same form as Reference and Follower (for faults, the signal
	// in words).
	Verdict       Verdict
	VerdictReason string
	Hardware      []byte
	// Oracle is the third opinion's value (Config.Opinion) in the same
	// form as Hardware, nil when it had none; Agreement says in words
	// which of the reference, the follower (the test) and the oracle
	// agree.
	Oracle    []byte
	Agreement string
	// Before is the state the instruction started from, when the host
	// judged it: where a minimized reproducer starts.
	Before *Before
	// Block is set for a divergence found at a block boundary in block
	// mode.
	Block *BlockDivergence
}

// Before is the machine state right before a judged instruction.
type Before struct {
	Regs *machine.Snapshot // the reference's registers
	// FTag is the full x87 tag word and YMMH the YMM upper halves, from
	// the follower (the reference's layout lacks them).
	FTag uint16
	YMMH [16][16]byte
	// Pages are the pages the host's run of the instruction touched, as
	// they were before it, in address order.
	Pages []Page
}

// Page is one guest page's content and permissions.
type Page struct {
	Addr uint64
	Perm machine.Perm
	Data []byte
}

// SplitPart is one part of a run checked in parts: the system calls it
// covers (from the FromSyscall-th exclusive to the ToSyscall-th inclusive;
// 0: to the end), the instructions it compared and skipped before its
// start, and how it ended.
type SplitPart struct {
	Index, Of              int
	FromSyscall, ToSyscall uint64
	Steps, Skipped         uint64
	Outcome                Outcome
}
