/* hang.S: a "kernel" that never boots: a multiboot image (QEMU's -kernel
 * loads it) that halts with interrupts off.  The --kernel tests use it
 * for a guest that hangs before our init: the run must end at
 * --vm-timeout with the environment's exit code. */
	.text
	.globl _start
	.balign 4
multiboot:
	.long 0x1BADB002		/* magic */
	.long 0				/* flags */
	.long -0x1BADB002		/* checksum */
_start:
	cli
1:	hlt
	jmp 1b
	.section .note.GNU-stack,"",@progbits
