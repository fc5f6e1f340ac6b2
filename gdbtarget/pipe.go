package gdbtarget

import (
	"errors"
	"net"
	"os"
	"time"
)

// pipeConn is a net.Conn over a relay's stdout (read) and stdin (write).
type pipeConn struct {
	r, w *os.File
}

type pipeAddr string

func (a pipeAddr) Network() string { return "pipe" }
func (a pipeAddr) String() string  { return string(a) }

func (p *pipeConn) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p *pipeConn) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p *pipeConn) Close() error                { return errors.Join(p.w.Close(), p.r.Close()) }
func (p *pipeConn) LocalAddr() net.Addr         { return pipeAddr("lockstep") }
func (p *pipeConn) RemoteAddr() net.Addr        { return pipeAddr("relay") }
func (p *pipeConn) SetDeadline(t time.Time) error {
	return errors.Join(p.r.SetReadDeadline(t), p.w.SetWriteDeadline(t))
}
func (p *pipeConn) SetReadDeadline(t time.Time) error  { return p.r.SetReadDeadline(t) }
func (p *pipeConn) SetWriteDeadline(t time.Time) error { return p.w.SetWriteDeadline(t) }
