package rsp_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"lockstep/rsp"
)

// Single-step a program under "qemu-x86_64 -g /tmp/gdb.sock prog" and print
// the program counter after each instruction.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := rsp.Dial(ctx, "unix", "/tmp/gdb.sock")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	layout, err := c.TargetDescription(ctx)
	if err != nil {
		log.Fatal(err)
	}
	regs := layout.NewSnapshot()
	for range 10 {
		stop, err := c.Step(ctx)
		if err != nil {
			log.Fatal(err)
		}
		if stop.Kind != rsp.StopSignal {
			fmt.Println(stop)
			return
		}
		if err := c.ReadRegisters(ctx, regs.Regs); err != nil {
			log.Fatal(err)
		}
		pc, _ := regs.Uint64("rip")
		fmt.Printf("%#x\n", pc)
	}
}
