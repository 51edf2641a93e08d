/* panic.S: a "kernel" that panics: a multiboot image (QEMU's -kernel loads
 * it) that writes a Linux panic line to the first serial port, as a kernel
 * booted with console=ttyS0 does, then resets the machine as panic=-1 does
 * (a triple fault; QEMU runs with -no-reboot, so it exits).  The --kernel
 * tests use it for the panic path: the environment's exit code and the
 * panic line in the message. */
	.text
	.globl _start
	.balign 4
multiboot:
	.long 0x1BADB002		/* magic */
	.long 0				/* flags */
	.long -0x1BADB002		/* checksum */
_start:
	cli
	movl $msg, %esi
1:	movb (%esi), %bl
	testb %bl, %bl
	jz 3f
	movw $0x3fd, %dx		/* line status: wait until THR is empty */
2:	inb %dx, %al
	testb $0x20, %al
	jz 2b
	movw $0x3f8, %dx
	movb %bl, %al
	outb %al, %dx
	incl %esi
	jmp 1b
3:	lidt idt0			/* an empty IDT: the next trap faults */
	int3				/* ... three times: the machine resets */
4:	hlt
	jmp 4b

	/* read-only data, in the one segment */
	.balign 4
idt0:	.word 0
	.long 0
msg:	.ascii "[    0.000000] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\r\n"
	.asciz "[    0.000000] ---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---\r\n"
	.section .note.GNU-stack,"",@progbits
