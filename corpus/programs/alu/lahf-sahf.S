# SAHF and LAHF for all 256 values of AH (the forms with a REX prefix are in
# lahf-sahf-rex).
#include "common/program.inc"

	OUTPUT	1 << 15

	START	rdi
	xorl	%ebx, %ebx
loop:
	# Plain SAHF then LAHF: flags from AH, and back.
	movq	$0x1122334455660077, %rax
	movb	%bl, %ah
	sahf
	RECORD	$0x8d5, rax
	movq	$0x1122334455667788, %rax
	lahf
	RECORD	$0x8d5, rax
	incl	%ebx
	cmpl	$256, %ebx
	jb	loop

	FINISH
