/* blob.S: the guest's init (built -static from init.c) inside the
 * tcpconform binary, so --kernel needs no file beside it.  vm.c writes
 * it into the initramfs as /init. */
	.section .rodata
	.global tc_init_blob
	.global tc_init_blob_end
	.balign 16
tc_init_blob:
	.incbin TC_INIT_PATH
tc_init_blob_end:
	.section .note.GNU-stack,"",@progbits
