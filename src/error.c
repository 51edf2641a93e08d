/* error.c: see error.h. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

void tc_error_clear(struct tc_error *err)
{
	memset(err, 0, sizeof(*err));
}

static void set_v(struct tc_error *err, enum tc_error_kind kind,
		  const char *fmt, va_list ap)
{
	err->kind = kind;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int tc_error_set(struct tc_error *err, enum tc_error_kind kind,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_v(err, kind, fmt, ap);
	va_end(ap);
	return -1;
}

int tc_error_at(struct tc_error *err, enum tc_error_kind kind, int line,
		int col, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	set_v(err, kind, fmt, ap);
	va_end(ap);
	return -1;
}

void tc_error_detail(struct tc_error *err, const char *fmt, ...)
{
	size_t used = strlen(err->detail);
	va_list ap;

	if (used + 2 >= sizeof(err->detail))
		return;
	va_start(ap, fmt);
	vsnprintf(err->detail + used, sizeof(err->detail) - used - 1, fmt, ap);
	va_end(ap);
	used = strlen(err->detail);
	err->detail[used] = '\n';
	err->detail[used + 1] = '\0';
}

int tc_error_exit_code(const struct tc_error *err)
{
	switch (err->kind) {
	case TC_ERR_NONE:
		return TC_EXIT_PASS;
	case TC_ERR_SCRIPT:
		return TC_EXIT_USAGE;
	case TC_ERR_VERIFY:
		return TC_EXIT_FAIL;
	case TC_ERR_ENV:
		return TC_EXIT_ENV;
	case TC_ERR_LATE:
		return TC_EXIT_LATE;
	case TC_ERR_NOT_APPLICABLE:
		return TC_EXIT_SKIP;
	}
	return TC_EXIT_ENV;
}

void tc_error_format(struct strbuf *out, const struct tc_error *err)
{
	/* Neither of these is a verdict on the kernel: they say so first. */
	const char *what = err->kind == TC_ERR_LATE ? "late" :
			   err->kind == TC_ERR_NOT_APPLICABLE ? "not applicable" :
			   "error";

	if (err->file && err->line && err->col)
		strbuf_addf(out, "%s:%d:%d: %s: %s\n", err->file, err->line,
			    err->col, what, err->msg);
	else if (err->file && err->line)
		strbuf_addf(out, "%s:%d: %s: %s\n", err->file, err->line, what, err->msg);
	else if (err->file)
		strbuf_addf(out, "%s: %s: %s\n", err->file, what, err->msg);
	else
		strbuf_addf(out, "%s: %s\n", what, err->msg);
	strbuf_addstr(out, err->detail);
}

static void (*notice_fn)(void *arg, const char *text);
static void *notice_arg;

void tc_notice_sink(void (*fn)(void *arg, const char *text), void *arg)
{
	notice_fn = fn;
	notice_arg = arg;
}

void tc_notice(enum tc_notice_kind kind, const char *file, int line, const char *detail,
	       const char *fmt, ...)
{
	static const char *const names[] = {
		[TC_NOTE] = "note", [TC_WARNING] = "warning", [TC_ERROR_NOTICE] = "error",
	};
	struct strbuf sb = STRBUF_INIT;
	char msg[TC_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (file && line)
		strbuf_addf(&sb, "%s:%d: ", file, line);
	else if (file)
		strbuf_addf(&sb, "%s: ", file);
	strbuf_addf(&sb, "%s: %s\n", names[kind], msg);
	if (detail)
		strbuf_addstr(&sb, detail);
	if (notice_fn)
		notice_fn(notice_arg, sb.buf);
	else
		fputs(sb.buf, stderr);
	strbuf_release(&sb);
}

int tc_edits(const char *a, const char *b)
{
	int row[64], la = (int)strlen(a), lb = (int)strlen(b);

	if (la > 63 || lb > 63)
		return 99;
	for (int j = 0; j <= lb; j++)
		row[j] = j;
	for (int i = 1; i <= la; i++) {
		int diag = row[0];

		row[0] = i;
		for (int j = 1; j <= lb; j++) {
			int up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}
