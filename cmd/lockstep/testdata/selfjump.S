# A jump to itself: rip never moves, yet every step is an ordinary
# instruction, not a rep iteration. For step and time limits.
	.text
	.globl _start
_start:
	mov	$1, %eax
1:	jmp	1b
