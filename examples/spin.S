# Never exits: for tests of step bounds, cancellation and clean-up.
	.text
	.globl _start
_start:
	inc	%rax
	jmp	_start
