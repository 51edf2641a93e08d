/*
 * sha256.h: SHA-256 (FIPS 180-4), for the digest of a kernel's
 * configuration recorded in reports and baselines.
 */
#ifndef TC_SHA256_H
#define TC_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct tc_sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes so far */
	unsigned char buf[64];
	size_t n;		/* bytes in buf */
};

void tc_sha256_init(struct tc_sha256 *c);
void tc_sha256_update(struct tc_sha256 *c, const void *data, size_t len);
/* The digest as 64 lower-case hex digits and a NUL. */
void tc_sha256_hex(struct tc_sha256 *c, char out[65]);

/* The SHA-256 of the decompressed contents of a gzip file (the kernel's
 * /proc/config.gz: the digest equals `sha256sum .config` of the tree
 * the kernel was built from).  Returns 0, or -1 (no file, bad data). */
int tc_sha256_gz_file(const char *path, char out[65]);

#endif
