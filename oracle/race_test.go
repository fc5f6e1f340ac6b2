//go:build race

package oracle

// raceEnabled: the race detector slows cgo calls tenfold; timing tests skip.
const raceEnabled = true
