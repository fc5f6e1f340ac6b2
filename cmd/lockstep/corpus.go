package main

import (
	"context"
	"fmt"
	"io"
)

func cmdCorpus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "lockstep corpus: not yet")
	return exitError
}
