/* holdq.c: see holdq.h. */
#include "holdq.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct held {
	int64_t ts_ns;
	size_t len;
	uint8_t *frame;
	char *comment;
};

struct tc_holdq {
	tc_holdq_write_fn *write;
	void *ctx;
	int cap, n;
	struct held held[];	/* oldest first */
};

struct tc_holdq *tc_holdq_new(int cap, tc_holdq_write_fn *write, void *ctx)
{
	struct tc_holdq *q;

	if (cap < 1)
		cap = 1;
	q = xcalloc(1, sizeof(*q) + (size_t)cap * sizeof(q->held[0]));
	q->write = write;
	q->ctx = ctx;
	q->cap = cap;
	return q;
}

static void free_held(struct held *h)
{
	free(h->frame);
	free(h->comment);
}

/* Write the held frames stamped at or before ts_ns (all: INT64_MAX). */
static void release(struct tc_holdq *q, int64_t ts_ns)
{
	int i;

	for (i = 0; i < q->n && q->held[i].ts_ns <= ts_ns; i++) {
		q->write(q->ctx, q->held[i].frame, q->held[i].len,
			 q->held[i].ts_ns, q->held[i].comment);
		free_held(&q->held[i]);
	}
	memmove(q->held, q->held + i, (size_t)(q->n - i) * sizeof(q->held[0]));
	q->n -= i;
}

void tc_holdq_add(struct tc_holdq *q, const uint8_t *frame, size_t len,
		  int64_t ts_ns, bool injected, const char *comment)
{
	struct held *h;

	if (!injected) {
		release(q, ts_ns);
		q->write(q->ctx, frame, len, ts_ns, comment);
		return;
	}
	if (q->n == q->cap)	/* no answer for long: let the oldest go */
		release(q, q->held[0].ts_ns);
	h = &q->held[q->n++];
	h->ts_ns = ts_ns;
	h->len = len;
	h->frame = xmalloc(len);
	if (len)
		memcpy(h->frame, frame, len);
	h->comment = comment ? xstrdup(comment) : NULL;
}

void tc_holdq_flush(struct tc_holdq *q)
{
	release(q, INT64_MAX);
}

int tc_holdq_held(const struct tc_holdq *q)
{
	return q->n;
}

void tc_holdq_free(struct tc_holdq *q)
{
	if (!q)
		return;
	for (int i = 0; i < q->n; i++)
		free_held(&q->held[i]);
	free(q);
}
