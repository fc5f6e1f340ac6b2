package session

import (
	"context"
	"testing"
)

func TestZZProf(t *testing.T) {
	rep, err := Run(context.Background(), Options{Program: "/root/.cache/lockstep/corpus/long__sieve-2b4fea082b9da6bf73911d1f", Mode: BlockMode})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep.Outcome, rep.Steps, rep.Duration)
}
