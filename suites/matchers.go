// Package suites holds lockstep's Ginkgo suites (the corpus in lockstep,
// and the tool's own behaviour) and the Gomega matchers they use, which
// emulator projects can import for suites of their own:
//
//	Expect(report).To(suites.AgreeThroughout())
//	Expect(report).To(suites.DivergeLike(entry.Expect))
//
// A failing match prints the harness's first-divergence report.
package suites

import (
	"bytes"
	"fmt"

	"github.com/onsi/gomega/types"

	"lockstep/corpus"
	"lockstep/harness"
	"lockstep/session"
)

// AgreeThroughout succeeds when a run agreed on every instruction to the
// program's exit (with the expected exit status, 0 by default).
func AgreeThroughout(exitStatus ...int) types.GomegaMatcher {
	exp := corpus.Expectation{Outcome: "agree"}
	if len(exitStatus) > 0 {
		exp.ExitStatus = exitStatus[0]
	}
	return &expectationMatcher{e: corpus.Entry{Expect: exp}, anyCorrections: true, what: "agree throughout"}
}

// DivergeLike succeeds when a run's first divergence is the recorded one:
// same kind, instruction, register or address, and values where recorded.
// A divergence that disappeared or changed fails, saying so.
func DivergeLike(recorded corpus.Expectation) types.GomegaMatcher {
	recorded.Outcome = "diverge"
	return &expectationMatcher{e: corpus.Entry{Expect: recorded}, anyCorrections: true, what: "diverge like the recorded divergence"}
}

// MeetExpectation succeeds when a run ends as a corpus manifest says:
// agree, diverge (like the record), fault (with the signal) or unsupported.
func MeetExpectation(e corpus.Entry) types.GomegaMatcher {
	return &expectationMatcher{e: e, what: "meet the expectation " + e.Expect.Outcome}
}

type expectationMatcher struct {
	e corpus.Entry
	// anyCorrections leaves the oracle corrections unchecked.
	anyCorrections bool
	what           string
	err            error
}

func (m *expectationMatcher) Match(actual any) (bool, error) {
	rep, ok := actual.(*session.Report)
	if !ok || rep == nil {
		return false, fmt.Errorf("lockstep matcher: want a *session.Report, got %T", actual)
	}
	if m.anyCorrections {
		m.err = session.Check(m.e.Expect, rep.Result)
	} else {
		m.err = session.CheckEntry(m.e, rep.Result)
	}
	return m.err == nil, nil
}

func (m *expectationMatcher) FailureMessage(actual any) string {
	return fmt.Sprintf("expected the run to %s, but %v\n\n%s", m.what, m.err, reportText(actual))
}

func (m *expectationMatcher) NegatedFailureMessage(actual any) string {
	return fmt.Sprintf("expected the run not to %s\n\n%s", m.what, reportText(actual))
}

func reportText(actual any) string {
	rep, ok := actual.(*session.Report)
	if !ok || rep == nil {
		return ""
	}
	var b bytes.Buffer
	rep.WriteText(&b, rep.Layout, harness.Style{})
	return b.String()
}
