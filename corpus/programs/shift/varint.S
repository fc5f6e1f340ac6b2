# Bit-field code as serialisers write it: LEB128 (varint) encoding and
# decoding of 64-bit values with 7-bit groups (SHR/SHL by 7, OR of
# continuation bits, variable shift by CL), zig-zag encoding of signed
# values (SAR 63 and XOR), and packing/unpacking of 5-11-16-32-bit fields
# into a quadword with SHL/SHR/AND masks. Encodings and round-trip results
# are written to stdout.
#include "common/program.inc"

	.data
	.balign 8
vals:	.quad	0, 1, 127, 128, 255, 300, 16383, 16384, 0x7fffffff, 0x80000000
	.quad	0xffffffff, 0x123456789, 0x7fffffffffffffff, 0x8000000000000000
	.quad	-1, -2, -64, -65, 0x0123456789abcdef, 1 << 56
	COUNT	NV, vals, 8

	.bss
	.balign 64
enc:	.skip	16
out:	.skip	8192

	.text
# encode(rax) -> bytes at enc, length in rcx.
encode:
	xorl	%ecx, %ecx
1:	movl	%eax, %edx
	andl	$0x7f, %edx
	shrq	$7, %rax
	jz	2f
	orb	$0x80, %dl
	movb	%dl, enc(%rcx)
	incq	%rcx
	jmp	1b
2:	movb	%dl, enc(%rcx)
	incq	%rcx
	ret

# decode(enc) -> rax; rcx = bytes consumed.
decode:
	xorl	%eax, %eax
	xorl	%ecx, %ecx		# byte index
	xorl	%r8d, %r8d		# shift
1:	movzbl	enc(%rcx), %edx
	incq	%rcx
	movq	%rdx, %r9
	andl	$0x7f, %r9d
	xchgq	%rcx, %r8		# the shift count must be in CL
	shlq	%cl, %r9
	xchgq	%rcx, %r8
	orq	%r9, %rax
	addq	$7, %r8
	testb	$0x80, %dl
	jnz	1b
	ret

	START	rdi
	FOR	r12
	movq	vals(,%r12,8), %rbx
	# Unsigned LEB128 round trip.
	movq	%rbx, %rax
	call	encode
	movq	enc(%rip), %rax
	movq	%rax, (%rdi)
	movq	enc+8(%rip), %rax
	movq	%rax, 8(%rdi)
	movq	%rcx, 16(%rdi)
	call	decode
	movq	%rax, 24(%rdi)
	movq	%rcx, 32(%rdi)
	addq	$40, %rdi
	# Zig-zag: (n << 1) ^ (n >> 63), and back: (z >> 1) ^ -(z & 1).
	movq	%rbx, %rax
	movq	%rbx, %rdx
	shlq	$1, %rax
	sarq	$63, %rdx
	xorq	%rdx, %rax
	movq	%rax, (%rdi)
	call	encode
	call	decode
	movq	%rax, %rdx
	shrq	$1, %rax
	andl	$1, %edx
	negq	%rdx
	xorq	%rdx, %rax
	movq	%rax, 8(%rdi)		# == rbx
	addq	$16, %rdi
	# Pack fields a:5 b:11 c:16 d:32 from pieces of the value, unpack.
	movq	%rbx, %rax
	andl	$0x1f, %eax		# a
	movq	%rbx, %rdx
	shrq	$5, %rdx
	andl	$0x7ff, %edx		# b
	shlq	$5, %rdx
	orq	%rdx, %rax
	movq	%rbx, %rdx
	rolq	$17, %rdx
	movzwl	%dx, %edx		# c
	shlq	$16, %rdx
	orq	%rdx, %rax
	movq	%rbx, %rdx
	notq	%rdx
	shlq	$32, %rdx		# d in the top half
	orq	%rdx, %rax
	movq	%rax, (%rdi)
	movq	%rax, %rdx
	shrq	$5, %rdx
	andl	$0x7ff, %edx
	movq	%rdx, 8(%rdi)		# b back
	movq	%rax, %rdx
	shrq	$16, %rdx
	movzwl	%dx, %edx
	movq	%rdx, 16(%rdi)		# c back
	sarq	$32, %rax
	movq	%rax, 24(%rdi)		# d back, sign-extended
	addq	$32, %rdi
	ENDFOR	r12, NV
	# Encode and decode all the values again, 6 times over, folding the
	# results into one word.
	movl	$6, %r13d
	xorl	%r14d, %r14d
again:
	FOR	r12
	movq	vals(,%r12,8), %rax
	call	encode
	call	decode
	xorq	%rax, %r14
	rolq	$1, %r14
	ENDFOR	r12, NV
	decl	%r13d
	jnz	again
	movq	%r14, (%rdi)
	addq	$8, %rdi

	FINISH
