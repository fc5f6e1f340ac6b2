// Package oracle is the reference CPU of lockstep: an x86-64 CPU on the
// Unicorn engine, seeded from the program under test and stepped one
// instruction at a time next to it.
package oracle
