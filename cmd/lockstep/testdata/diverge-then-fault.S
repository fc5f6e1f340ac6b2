# Unicorn 2.0.1's PDEP swaps its sources (a divergence in rax), then the
# program faults on ud2 on both sides: with --keep-going the run ends as a
# fault after recording a divergence.
	.text
	.globl _start
_start:
	mov	$0b101, %rbx
	mov	$0xf00, %rcx
	pdep	%rcx, %rbx, %rax
	ud2
