package oracle

import (
	"bytes"
	"encoding/binary"
	"testing"

	"lockstep/machine"
)

// in and out are an instruction test's registers before and after.
type in struct {
	rax, rbx, rcx, rdx uint64
	buf                bool // rsi points at 64 bytes of data (mem)
	flags              uint64
	xmm0, xmm1, mem    string
}

type out struct {
	rax, rbx, rcx, rdx, flags uint64
	xmm0, mem                 string
}

// instructionTests were recorded by running each instruction natively on
// an x86-64 host with the same inputs (a harness that loads the registers,
// executes the bytes and stores the registers back). mask keeps the flags
// the instruction defines.
var instructionTests = []struct {
	name string
	code string
	mask uint64
	in   in
	out  out
}{
	{"add overflow", "4801d8", 0x8d5, // add rax, rbx
		in{rax: 0x7fffffffffffffff, rbx: 0x1, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x8000000000000000, rbx: 0x1, rcx: 0x0, rdx: 0x0, flags: 0xa96, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"sub borrow", "4829d8", 0x8d5, // sub rax, rbx
		in{rax: 0x0, rbx: 0x1, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xffffffffffffffff, rbx: 0x1, rcx: 0x0, rdx: 0x0, flags: 0x297, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"adc carry in", "4811d8", 0x8d5, // adc rax, rbx
		in{rax: 0xffffffffffffffff, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x1, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x257, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"sbb 32-bit zero-extends", "19d8", 0x8d5, // sbb eax, ebx
		in{rax: 0x100000005, rbx: 0x7, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x1, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xfffffffd, rbx: 0x7, rcx: 0x0, rdx: 0x0, flags: 0x293, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"xor self", "4831c0", 0x8c5, // xor rax, rax
		in{rax: 0x1234, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x8c1, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x246, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"inc al overflow", "fec0", 0x8d5, // inc al
		in{rax: 0x117f, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x1, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x1180, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0xa93, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"neg min", "48f7db", 0x8d5, // neg rbx
		in{rax: 0x0, rbx: 0x8000000000000000, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x0, rbx: 0x8000000000000000, rcx: 0x0, rdx: 0x0, flags: 0xa87, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"cmp less", "4839d8", 0x8d5, // cmp rax, rbx
		in{rax: 0x5, rbx: 0x7, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x5, rbx: 0x7, rcx: 0x0, rdx: 0x0, flags: 0x293, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"imul overflow", "480fafc3", 0x801, // imul rax, rbx
		in{rax: 0x4000000000000000, rbx: 0x4, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x0, rbx: 0x4, rcx: 0x0, rdx: 0x0, flags: 0xa03, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"mul 128-bit", "48f7e3", 0x801, // mul rbx
		in{rax: 0xffffffffffffffff, rbx: 0xffffffffffffffff, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x1, rbx: 0xffffffffffffffff, rcx: 0x0, rdx: 0xfffffffffffffffe, flags: 0xa03, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"div 128 by 64", "48f7f3", 0x0, // div rbx
		in{rax: 0x0, rbx: 0x3, rcx: 0x0, rdx: 0x1, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x5555555555555555, rbx: 0x3, rcx: 0x0, rdx: 0x1, flags: 0x212, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"idiv negative", "f7fb", 0x0, // idiv ebx
		in{rax: 0xfffffff9, rbx: 0x2, rcx: 0x0, rdx: 0xffffffff, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xfffffffd, rbx: 0x2, rcx: 0x0, rdx: 0xffffffff, flags: 0x212, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"shl by cl", "48d3e0", 0x8c5, // shl rax, cl
		in{rax: 0x8000000000000001, rbx: 0x0, rcx: 0x1, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x2, rbx: 0x0, rcx: 0x1, rdx: 0x0, flags: 0xa13, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"sar negative", "48c1f803", 0xc5, // sar rax, 3
		in{rax: 0xfffffffffffffff0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xfffffffffffffffe, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x292, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"rcl through carry", "48d1d0", 0x8d5, // rcl rax, 1
		in{rax: 0x8000000000000000, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x1, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x1, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0xa03, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"ror 32", "c1c804", 0xd5, // ror eax, 4
		in{rax: 0x12345678, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x81234567, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0xa03, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"shld", "480fa4d804", 0xc5, // shld rax, rbx, 4
		in{rax: 0x123456789abcdef, rbx: 0xf000000000000000, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x123456789abcdeff, rbx: 0xf000000000000000, rcx: 0x0, rdx: 0x0, flags: 0x216, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"bsf", "480fbcc3", 0x40, // bsf rax, rbx
		in{rax: 0x0, rbx: 0x80, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x7, rbx: 0x80, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"bsr", "480fbdc3", 0x40, // bsr rax, rbx
		in{rax: 0x0, rbx: 0x80, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x7, rbx: 0x80, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"bts", "480fabd8", 0x41, // bts rax, rbx
		in{rax: 0x1, rbx: 0x3, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x9, rbx: 0x3, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"lzcnt", "f3480fbdc3", 0x41, // lzcnt rax, rbx
		in{rax: 0x0, rbx: 0x1, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x3f, rbx: 0x1, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"tzcnt zero", "f3480fbcc3", 0x41, // tzcnt rax, rbx
		in{rax: 0x5, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x40, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x203, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"andn", "c4e2e0f2c1", 0x8c1, // andn rax, rbx, rcx
		in{rax: 0x0, rbx: 0xff00ff00ff00ff00, rcx: 0x123456789abcdef0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x34007800bc00f0, rbx: 0xff00ff00ff00ff00, rcx: 0x123456789abcdef0, rdx: 0x0, flags: 0x206, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"bextr", "c4e2f0f7c3", 0x841, // bextr rax, rbx, rcx
		in{rax: 0x0, rbx: 0x123456789abcdef0, rcx: 0x804, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xef, rbx: 0x123456789abcdef0, rcx: 0x804, rdx: 0x0, flags: 0x212, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"blsr", "c4e2f8f3cb", 0x8c1, // blsr rax, rbx
		in{rax: 0x0, rbx: 0x2c, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x28, rbx: 0x2c, rcx: 0x0, rdx: 0x0, flags: 0x206, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"blsi", "c4e2f8f3db", 0x8c1, // blsi rax, rbx
		in{rax: 0x0, rbx: 0x2c, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x4, rbx: 0x2c, rcx: 0x0, rdx: 0x0, flags: 0x203, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"blsmsk", "c4e2f8f3d3", 0x8c1, // blsmsk rax, rbx
		in{rax: 0x0, rbx: 0x2c, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x7, rbx: 0x2c, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"bzhi", "c4e2f0f5c3", 0x8c1, // bzhi rax, rbx, rcx
		in{rax: 0x0, rbx: 0xffffffffffffffff, rcx: 0xc, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xfff, rbx: 0xffffffffffffffff, rcx: 0xc, rdx: 0x0, flags: 0x206, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"mulx", "c4e2e3f6c1", 0x8d5, // mulx rax, rbx, rcx
		in{rax: 0x0, rbx: 0x0, rcx: 0x100000000, rdx: 0x300000005, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x3, rbx: 0x500000000, rcx: 0x100000000, rdx: 0x300000005, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"rorx", "c4e3fbf0c308", 0x8d5, // rorx rax, rbx, 8
		in{rax: 0x0, rbx: 0x1122334455667788, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x8811223344556677, rbx: 0x1122334455667788, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"sarx", "c4e2f2f7c3", 0x8d5, // sarx rax, rbx, rcx
		in{rax: 0x0, rbx: 0x8000000000000000, rcx: 0x4, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xf800000000000000, rbx: 0x8000000000000000, rcx: 0x4, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"shlx", "c4e2f1f7c3", 0x8d5, // shlx rax, rbx, rcx
		in{rax: 0x0, rbx: 0x3, rcx: 0x41, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x6, rbx: 0x3, rcx: 0x41, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"shrx", "c4e273f7c3", 0x8d5, // shrx eax, ebx, ecx
		in{rax: 0x0, rbx: 0xf0000000, rcx: 0x4, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xf000000, rbx: 0xf0000000, rcx: 0x4, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"adcx", "66480f38f6c3", 0x8d5, // adcx rax, rbx
		in{rax: 0xffffffffffffffff, rbx: 0x1, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x800, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x0, rbx: 0x1, rcx: 0x0, rdx: 0x0, flags: 0xa03, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"adox", "f3480f38f6c3", 0x8d5, // adox rax, rbx
		in{rax: 0x1, rbx: 0x1, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x801, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x3, rbx: 0x1, rcx: 0x0, rdx: 0x0, flags: 0x203, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"crc32", "f2480f38f1c3", 0x8d5, // crc32 rax, rbx
		in{rax: 0x0, rbx: 0x123456789abcdef, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xe9986aa9, rbx: 0x123456789abcdef, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"cmovl", "480f4cc3", 0x8d5, // cmovl rax, rbx
		in{rax: 0x1, rbx: 0x2, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x80, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x2, rbx: 0x2, rcx: 0x0, rdx: 0x0, flags: 0x282, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"setnz", "0f95c0", 0x8d5, // setnz al
		in{rax: 0xff00, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xff01, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"bswap", "480fc8", 0x8d5, // bswap rax
		in{rax: 0x1122334455667788, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x8877665544332211, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"xadd", "480fc1d8", 0x8d5, // xadd rax, rbx
		in{rax: 0x5, rbx: 0x7, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xc, rbx: 0x5, rcx: 0x0, rdx: 0x0, flags: 0x206, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"cmpxchg equal", "480fb1cb", 0x8d5, // cmpxchg rbx, rcx
		in{rax: 0x5, rbx: 0x5, rcx: 0x9, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x5, rbx: 0x9, rcx: 0x9, rdx: 0x0, flags: 0x246, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"movsx", "480fbec3", 0x8d5, // movsx rax, bl
		in{rax: 0x0, rbx: 0x80, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xffffffffffffff80, rbx: 0x80, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"cqo", "4899", 0x8d5, // cqo
		in{rax: 0x8000000000000000, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x8000000000000000, rbx: 0x0, rcx: 0x0, rdx: 0xffffffffffffffff, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"pxor", "660fefc1", 0x8d5, // pxor xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00112233445566778899aabbccddeeff", xmm1: "ffeeddccbbaa99887766554433221100", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "ffffffffffffffffffffffffffffffff", mem: "00000000000000000000000000000000"}},
	{"paddd", "660ffec1", 0x8d5, // paddd xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "ffffffff010000007fffffff00000080", xmm1: "01000000020000000100000000000080", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "000000000300000080ffffff00000000", mem: "00000000000000000000000000000000"}},
	{"pshufb", "660f3800c1", 0x8d5, // pshufb xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "000102030405060708090a0b0c0d0e0f", xmm1: "0f0e0d0c0b0a09080706050403020180", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "0f0e0d0c0b0a09080706050403020100", mem: "00000000000000000000000000000000"}},
	{"pmulld", "660f3840c1", 0x8d5, // pmulld xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "02000000ffffffff0300000000000100", xmm1: "03000000ffffffff0500000000000100", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "06000000010000000f00000000000000", mem: "00000000000000000000000000000000"}},
	{"pcmpestri", "660f3a61c10c", 0x8d5, // pcmpestri xmm0, xmm1, 0x0c
		in{rax: 0x6, rbx: 0x0, rcx: 0x0, rdx: 0x10, buf: false, flags: 0x0, xmm0: "68656c6c6f0000000000000000000000", xmm1: "7361792068656c6c6f20776f726c6421", mem: ""},
		out{rax: 0x6, rbx: 0x0, rcx: 0x10, rdx: 0x10, flags: 0x282, xmm0: "68656c6c6f0000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"aesenc", "660f38dcc1", 0x8d5, // aesenc xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00112233445566778899aabbccddeeff", xmm1: "0f0e0d0c0b0a09080706050403020100", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "6c77ebd5ff6df27eaa0039f0d1e98ba3", mem: "00000000000000000000000000000000"}},
	{"aesdeclast", "660f38dfc1", 0x8d5, // aesdeclast xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00112233445566778899aabbccddeeff", xmm1: "0f0e0d0c0b0a09080706050403020100", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "5dc76f0e8de990f690eb917924fbd266", mem: "00000000000000000000000000000000"}},
	{"addps", "0f58c1", 0x8d5, // addps xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "0000803f000000400000404000008040", xmm1: "0000003f0000c0bf0000a0400000c07f", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "0000c03f0000003f000000410000c07f", mem: "00000000000000000000000000000000"}},
	{"mulpd", "660f59c1", 0x8d5, // mulpd xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "000000000000f83f0000000000000840", xmm1: "000000000000e0bf0000000000002440", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "000000000000e8bf0000000000003e40", mem: "00000000000000000000000000000000"}},
	{"sqrtsd", "f20f51c1", 0x8d5, // sqrtsd xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "11111111111111111111111111111111", xmm1: "00000000000000400000000000000000", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "cd3b7f669ea0f63f1111111111111111", mem: "00000000000000000000000000000000"}},
	{"divss by zero", "f30f5ec1", 0x8d5, // divss xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "0000803f000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "0000807f000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"cvttsd2si", "f2480f2cc0", 0x8d5, // cvttsd2si rax, xmm0
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "000000000000e0c30000000000000000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x8000000000000000, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "000000000000e0c30000000000000000", mem: "00000000000000000000000000000000"}},
	{"pmovmskb", "660fd7c0", 0x8d5, // pmovmskb eax, xmm0
		in{rax: 0xffffffffffffffff, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "80008000800080008000800080008000", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x5555, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "80008000800080008000800080008000", mem: "00000000000000000000000000000000"}},
	{"ptest", "660f3817c1", 0x8d5, // ptest xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "f0000000000000000000000000000000", xmm1: "0f000000000000000000000000000000", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x242, xmm0: "f0000000000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"roundsd floor", "660f3a0bc101", 0x8d5, // roundsd xmm0, xmm1, 1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "11111111111111111111111111111111", xmm1: "000000000000f8bf0000000000000000", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000c01111111111111111", mem: "00000000000000000000000000000000"}},
	{"pextrq", "66480f3a16c001", 0x8d5, // pextrq rax, xmm0, 1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00112233445566778899aabbccddeeff", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xffeeddccbbaa9988, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00112233445566778899aabbccddeeff", mem: "00000000000000000000000000000000"}},
	{"pinsrd", "660f3a22c302", 0x8d5, // pinsrd xmm0, ebx, 2
		in{rax: 0x0, rbx: 0xdeadbeef, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00112233445566778899aabbccddeeff", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x0, rbx: 0xdeadbeef, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "0011223344556677efbeaddeccddeeff", mem: "00000000000000000000000000000000"}},
	{"pshufd", "660f70c11b", 0x8d5, // pshufd xmm0, xmm1, 0x1b
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00112233445566778899aabbccddeeff", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "ccddeeff8899aabb4455667700112233", mem: "00000000000000000000000000000000"}},
	{"palignr", "660f3a0fc105", 0x8d5, // palignr xmm0, xmm1, 5
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "000102030405060708090a0b0c0d0e0f", xmm1: "101112131415161718191a1b1c1d1e1f", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "15161718191a1b1c1d1e1f0001020304", mem: "00000000000000000000000000000000"}},
	{"phaddd", "660f3802c1", 0x8d5, // phaddd xmm0, xmm1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "01000000020000000300000004000000", xmm1: "0a000000140000001e00000028000000", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "03000000070000001e00000046000000", mem: "00000000000000000000000000000000"}},
	{"pblendw", "660f3a0ec1a5", 0x8d5, // pblendw xmm0, xmm1, 0xa5
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "00112233445566778899aabbccddeeff", xmm1: "ffeeddccbbaa99887766554433221100", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "ffee2233bbaa667788995544ccdd1100", mem: "00000000000000000000000000000000"}},
	{"dpps", "660f3a40c1f1", 0x8d5, // dpps xmm0, xmm1, 0xf1
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "0000803f000000400000404000008040", xmm1: "0000803f0000803f0000803f0000803f", mem: ""},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00002041000000000000000000000000", mem: "00000000000000000000000000000000"}},
	{"cvtsi2sd", "f2480f2ac3", 0x8d5, // cvtsi2sd xmm0, rbx
		in{rax: 0x0, rbx: 0xfffffffffffffffd, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "11111111111111111111111111111111", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0x0, rbx: 0xfffffffffffffffd, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000008c01111111111111111", mem: "00000000000000000000000000000000"}},
	{"movq to gpr", "66480f7ec0", 0x8d5, // movq rax, xmm0
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: false, flags: 0x0, xmm0: "0123456789abcdef1111111111111111", xmm1: "00000000000000000000000000000000", mem: ""},
		out{rax: 0xefcdab8967452301, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "0123456789abcdef1111111111111111", mem: "00000000000000000000000000000000"}},
	{"store via rsi", "48895e08", 0x8d5, // mov qword ptr [rsi+8], rbx
		in{rax: 0x0, rbx: 0x1122334455667788, rcx: 0x0, rdx: 0x0, buf: true, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},
		out{rax: 0x0, rbx: 0x1122334455667788, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "00000000000000000000000000000000", mem: "00000000000000008877665544332211"}},
	{"movdqu load", "f30f6f06", 0x8d5, // movdqu xmm0, xmmword ptr [rsi]
		in{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, buf: true, flags: 0x0, xmm0: "00000000000000000000000000000000", xmm1: "00000000000000000000000000000000", mem: "000102030405060708090a0b0c0d0e0f000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},
		out{rax: 0x0, rbx: 0x0, rcx: 0x0, rdx: 0x0, flags: 0x202, xmm0: "000102030405060708090a0b0c0d0e0f", mem: "000102030405060708090a0b0c0d0e0f"}},
}

func TestInstructions(t *testing.T) {
	for _, tt := range instructionTests {
		t.Run(tt.name, func(t *testing.T) {
			o := newTestOracle(t, tt.code, func(s *machine.Snapshot, src *fakeSource) {
				for name, v := range map[string]uint64{"rax": tt.in.rax, "rbx": tt.in.rbx, "rcx": tt.in.rcx, "rdx": tt.in.rdx, "eflags": tt.in.flags | 0x202} {
					s.SetUint64(name, v)
				}
				copy(s.Bytes("xmm0"), unhex(t, tt.in.xmm0))
				copy(s.Bytes("xmm1"), unhex(t, tt.in.xmm1))
				if tt.in.buf {
					s.SetUint64("rsi", dataBase)
					src.write(dataBase, unhex(t, tt.in.mem))
				}
			})
			if r := o.step(); r.Kind != Executed || r.PC != textBase {
				t.Fatalf("result %+v", r)
			}
			got := o.regs()
			for _, c := range []struct {
				name string
				want uint64
			}{{"rax", tt.out.rax}, {"rbx", tt.out.rbx}, {"rcx", tt.out.rcx}, {"rdx", tt.out.rdx}} {
				if v, _ := got.Uint64(c.name); v != c.want {
					t.Errorf("%s = %#x, want %#x", c.name, v, c.want)
				}
			}
			if fl, _ := got.Uint64("eflags"); fl&tt.mask != tt.out.flags&tt.mask {
				t.Errorf("eflags = %#x, want %#x (mask %#x)", fl, tt.out.flags, tt.mask)
			}
			if x := got.Bytes("xmm0"); !bytes.Equal(x, unhex(t, tt.out.xmm0)) {
				t.Errorf("xmm0 = %x, want %s", x, tt.out.xmm0)
			}
			if rip, _ := got.Uint64("rip"); rip != textBase+uint64(len(tt.code)/2) {
				t.Errorf("rip = %#x, want past the instruction", rip)
			}
			if tt.in.buf {
				if m := o.mem(dataBase, 16); !bytes.Equal(m, unhex(t, tt.out.mem)) {
					t.Errorf("memory = %x, want %s", m, tt.out.mem)
				}
			}
		})
	}
}

// TestX87 runs x87 arithmetic through memory and checks the register file
// as QEMU reports it: st0..st7 are the physical registers.
func TestX87(t *testing.T) {
	// fld qword [rsi]; fld qword [rsi+8]; fmulp; fstp qword [rsi+16]; fld1
	o := newTestOracle(t, "dd06 dd4608 dec9 dd5e10 d9e8", func(s *machine.Snapshot, src *fakeSource) {
		s.SetUint64("rsi", dataBase)
		var b [16]byte
		binary.LittleEndian.PutUint64(b[0:], 0x4004000000000000) // 2.5
		binary.LittleEndian.PutUint64(b[8:], 0xc010000000000000) // -4.0
		src.write(dataBase, b[:])
	})
	for i := 0; i < 5; i++ {
		if r := o.step(); r.Kind != Executed {
			t.Fatalf("step %d: %+v", i, r)
		}
	}
	if got := binary.LittleEndian.Uint64(o.mem(dataBase+16, 8)); got != 0xc024000000000000 { // -10.0
		t.Errorf("2.5 * -4.0 stored %#x, want -10.0", got)
	}
	s := o.regs()
	fstat, _ := s.Uint64("fstat")
	if top := fstat >> 11 & 7; top != 7 {
		t.Fatalf("TOP = %d after one push, want 7", top)
	}
	// fld1 pushed onto physical register 7.
	if got, want := s.Bytes("st7"), unhex(t, "0000000000000080ff3f"); !bytes.Equal(got, want) {
		t.Errorf("st7 (physical R7) = %x, want 1.0 %x", got, want)
	}
	if fctrl, _ := s.Uint64("fctrl"); fctrl != 0x37f {
		t.Errorf("fctrl = %#x", fctrl)
	}
}
