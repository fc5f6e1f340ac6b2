// Package rsp is a client for the GDB remote serial protocol, the language
// gdbstubs (QEMU's among them) speak over a socket.
//
// A Conn drives one stub: it frames packets ("$payload#checksum"), handles
// acknowledgements and retransmissions, decodes escapes and run-length
// encoding, and offers the commands a lockstep tracer needs: registers,
// memory, single steps, breakpoints and the target description.
//
// Every exchange is bounded in time by its context's deadline, or by the
// Dialer's Timeout when the context has none, and cancelling the context
// interrupts a blocked read. Malformed or endless input from the stub ends in
// an error, never in a hang or unbounded memory growth. After an I/O or
// framing error the byte stream can no longer be trusted, so the Conn refuses
// further commands; errors the stub reports ("Exx" replies) leave it usable.
//
// The hot path, Step followed by ReadRegisters, allocates nothing in steady
// state, and sends the acknowledgement of each reply together with the next
// command, saving one write per exchange.
package rsp
