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
#include "xalloc.h"

#define SNAPLEN 262144

#define BT_SHB 0x0A0D0D0AU
#define BT_IDB 0x00000001U
#define BT_EPB 0x00000006U
#define OPT_END 0
#define OPT_COMMENT 1
#define IF_TSRESOL 9
#define LINKTYPE_ETHERNET 1

/* An injected frame waiting for a captured one stamped at or after it. */
#define HELD_MAX 64
struct held {
	int64_t ts_ns;
	uint8_t *frame;
	size_t len;
	char *comment;
};

struct tc_pcapng {
	FILE *f;
	struct held held[HELD_MAX];
	int n_held;
};

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
	return 0;
}

static void write_epb(struct tc_pcapng *pn, const uint8_t *frame, size_t len,
		      int64_t ts_ns, const char *comment)
{
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

/* Write the held frames stamped at or before ts_ns (all: INT64_MAX). */
static void write_held(struct tc_pcapng *pn, int64_t ts_ns)
{
	int i;

	for (i = 0; i < pn->n_held && pn->held[i].ts_ns <= ts_ns; i++) {
		write_epb(pn, pn->held[i].frame, pn->held[i].len, pn->held[i].ts_ns,
			  pn->held[i].comment);
		free(pn->held[i].frame);
		free(pn->held[i].comment);
	}
	memmove(pn->held, pn->held + i, (size_t)(pn->n_held - i) * sizeof(pn->held[0]));
	pn->n_held -= i;
}

void tc_pcapng_add(struct tc_pcapng *pn, const uint8_t *frame, size_t len,
		   int64_t ts_ns, bool injected, const char *comment)
{
	struct held *h;

	if (!pn)
		return;
	if (!injected) {
		write_held(pn, ts_ns);
		write_epb(pn, frame, len, ts_ns, comment);
		return;
	}
	if (pn->n_held == HELD_MAX)	/* no answer for long: let the oldest go */
		write_held(pn, pn->held[0].ts_ns);
	h = &pn->held[pn->n_held++];
	h->ts_ns = ts_ns;
	h->len = len;
	h->frame = xmalloc(len ? len : 1);
	memcpy(h->frame, frame, len);
	h->comment = xstrdup(comment ? comment : "");
}

void tc_pcapng_close(struct tc_pcapng *pn)
{
	if (!pn)
		return;
	write_held(pn, INT64_MAX);
	fclose(pn->f);
	free(pn);
}
