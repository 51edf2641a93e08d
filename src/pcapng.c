/* pcapng.c: see pcapng.h. */
#include "pcapng.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "holdq.h"
#include "xalloc.h"

#define SNAPLEN 262144

#define BT_SHB 0x0A0D0D0AU
#define BT_IDB 0x00000001U
#define BT_EPB 0x00000006U
#define OPT_END 0
#define OPT_COMMENT 1
#define IF_TSRESOL 9
#define LINKTYPE_ETHERNET 1

/* Injected frames wait in a hold queue (holdq.h) for the file's time order. */
#define HELD_MAX 64

struct tc_pcapng {
	FILE *f;
	struct tc_holdq *q;
};

static tc_holdq_write_fn write_epb;

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);
}

static void put16(FILE *f, uint16_t v)
{
	fwrite(&v, 2, 1, f);
}

static void put_padded(FILE *f, const void *data, size_t len)
{
	static const uint8_t zero[4];

	if (len)
		fwrite(data, 1, len, f);
	if (pad4(len) > len)
		fwrite(zero, 1, pad4(len) - len, f);
}

/* An option: code, length, value padded to 4 bytes. */
static void put_opt(FILE *f, uint16_t code, const void *data, size_t len)
{
	put16(f, code);
	put16(f, (uint16_t)len);
	put_padded(f, data, len);
}

static void write_headers(FILE *f)
{
	uint8_t tsresol = 9;	/* 10^-9 s */
	/* Section Header: no options. */
	put32(f, BT_SHB);
	put32(f, 28);
	put32(f, 0x1A2B3C4DU);
	put16(f, 1);
	put16(f, 0);
	put32(f, 0xFFFFFFFFU);	/* section length unknown: -1 */
	put32(f, 0xFFFFFFFFU);
	put32(f, 28);
	/* Interface Description: Ethernet, nanosecond stamps. */
	put32(f, BT_IDB);
	put32(f, 32);
	put16(f, LINKTYPE_ETHERNET);
	put16(f, 0);
	put32(f, SNAPLEN);
	put_opt(f, IF_TSRESOL, &tsresol, 1);
	put_opt(f, OPT_END, NULL, 0);
	put32(f, 32);
}

int tc_pcapng_open(int fd, struct tc_pcapng **out, struct tc_error *err)
{
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	FILE *f = dfd < 0 ? NULL : fdopen(dfd, "w");

	*out = NULL;
	if (!f) {
		int saved = errno;

		if (dfd >= 0)
			close(dfd);
		return tc_error_set(err, TC_ERR_ENV, "cannot write the capture: %s",
				    strerror(saved));
	}
	write_headers(f);
	*out = xcalloc(1, sizeof(**out));
	(*out)->f = f;
	(*out)->q = tc_holdq_new(HELD_MAX, write_epb, *out);
	return 0;
}

static void write_epb(void *ctx, const uint8_t *frame, size_t len,
		      int64_t ts_ns, const char *comment)
{
	struct tc_pcapng *pn = ctx;
	size_t clen = comment ? strlen(comment) : 0;
	size_t opts, total;
	uint64_t ts = (uint64_t)ts_ns;

	if (len > SNAPLEN)
		len = SNAPLEN;
	if (clen > 0xFFF0)
		clen = 0xFFF0;
	opts = clen ? 4 + pad4(clen) + 4 : 0;
	total = 28 + pad4(len) + opts + 4;
	put32(pn->f, BT_EPB);
	put32(pn->f, (uint32_t)total);
	put32(pn->f, 0);			/* interface 0 */
	put32(pn->f, (uint32_t)(ts >> 32));
	put32(pn->f, (uint32_t)ts);
	put32(pn->f, (uint32_t)len);		/* captured */
	put32(pn->f, (uint32_t)len);		/* on the wire */
	put_padded(pn->f, frame, len);
	if (clen) {
		put_opt(pn->f, OPT_COMMENT, comment, clen);
		put_opt(pn->f, OPT_END, NULL, 0);
	}
	put32(pn->f, (uint32_t)total);
}

void tc_pcapng_add(struct tc_pcapng *pn, const uint8_t *frame, size_t len,
		   int64_t ts_ns, bool injected, const char *comment)
{
	if (pn)
		tc_holdq_add(pn->q, frame, len, ts_ns, injected, comment);
}

void tc_pcapng_close(struct tc_pcapng *pn)
{
	if (!pn)
		return;
	tc_holdq_flush(pn->q);
	tc_holdq_free(pn->q);
	fclose(pn->f);
	free(pn);
}
