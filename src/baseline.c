/* baseline.c: see baseline.h. */
#include "baseline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "strbuf.h"

struct entry {
	int outcome;
	char *profile;
	char *script;		/* decoded */
	char *reason;		/* or NULL */
	int line;
};

struct tc_baseline {
	char *kernel;
	char *config;		/* "sha256:HEX", or NULL */
	char *accel;		/* "kvm", "tcg", or NULL (native) */
	struct entry *e;	/* sorted by script, then profile */
	int n;
};

static const char header[] =
	"# tcpconform baseline: the expected outcome of each run.\n"
	"# One line per run: OUTCOME PROFILE SCRIPT [# REASON]\n"
	"# OUTCOME is pass, fail, error, timeout or skip.  A run that does not\n"
	"# pass needs a REASON: replace each 'TODO:' with why it is expected.\n"
	"# Check with:  tcpconform --baseline FILE ...   (exit 1 on any difference)\n"
	"# Update with: tcpconform --baseline FILE --write-baseline FILE ...\n";

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

void tc_baseline_free(struct tc_baseline *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->n; i++) {
		free(b->e[i].profile);
		free(b->e[i].script);
		free(b->e[i].reason);
	}
	free(b->e);
	free(b->kernel);
	free(b->config);
	free(b->accel);
	free(b);
}

const char *tc_baseline_kernel(const struct tc_baseline *b)
{
	return b ? b->kernel : NULL;
}

const char *tc_baseline_config(const struct tc_baseline *b)
{
	return b ? b->config : NULL;
}

const char *tc_baseline_accel(const struct tc_baseline *b)
{
	return b ? b->accel : NULL;
}

static void encode(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '#' || *s == '%')
			strbuf_addf(out, "%%%02X", (unsigned char)*s);
		else
			strbuf_addch(out, *s);
	}
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX in place; returns false on a bad escape. */
static bool decode(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '%') {
			int h = hex(s[1]), l = h >= 0 ? hex(s[2]) : -1;

			if (h < 0 || l < 0)
				return false;
			*w++ = (char)(h * 16 + l);
			s += 2;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return true;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->script, y->script);

	return c ? c : strcmp(x->profile, y->profile);
}

static const struct entry *find(const struct tc_baseline *b, const char *script,
				const char *profile)
{
	struct entry key = { .script = (char *)script, .profile = (char *)profile };

	if (!b || !b->n)
		return NULL;
	return bsearch(&key, b->e, (size_t)b->n, sizeof(*b->e), cmp_entry);
}

static char *next_field(char **p)
{
	char *s = *p, *start;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#')
		return NULL;
	start = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return start;
}

static int parse(struct tc_baseline *b, char *l, int line, int *alloc,
		 struct tc_error *err)
{
	char *p = l, *reason = NULL, *f1, *f2, *f3, *hash;
	struct entry *e;
	int o;

	f1 = next_field(&p);
	if (!f1)
		return 0;	/* blank or comment */
	if (!strcmp(f1, "kernel")) {
		char *k = next_field(&p);

		if (!k || next_field(&p))
			return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
					   "expected 'kernel RELEASE'");
		free(b->kernel);
		b->kernel = xstrdup(k);
		return 0;
	}
	if (!strcmp(f1, "config") || !strcmp(f1, "accelerator")) {
		char *v = next_field(&p), **dst = f1[0] == 'c' ? &b->config : &b->accel;

		if (!v || next_field(&p))
			return tc_error_at(err, TC_ERR_SCRIPT, line, 0, "expected '%s'",
					   f1[0] == 'c' ? "config sha256:HEX" : "accelerator NAME");
		free(*dst);
		*dst = xstrdup(v);
		return 0;
	}
	o = tc_outcome_parse(f1);
	if (o == TC_OUT_LATE)
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
				   "'late' is not an outcome of the kernel's: a baseline cannot expect it");
	if (o < 0 || o == TC_OUT_NONE)
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
				   "unknown outcome '%s' (expected pass, fail, error, timeout or skip)",
				   f1);
	f2 = next_field(&p);
	f3 = f2 ? next_field(&p) : NULL;
	if (!f3)
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
				   "expected 'OUTCOME PROFILE SCRIPT [# REASON]'");
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p && *p != '#')
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
				   "unexpected '%s' after the script (a reason starts with '#')", p);
	hash = *p == '#' ? p + 1 : NULL;
	if (hash) {
		size_t n;

		while (*hash == ' ' || *hash == '\t')
			hash++;
		n = strlen(hash);
		while (n && (hash[n - 1] == ' ' || hash[n - 1] == '\t'))
			hash[--n] = '\0';
		if (n)
			reason = hash;
	}
	if (!decode(f3))
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0, "bad %%-escape in '%s'", f3);
	if (b->n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 64;
		b->e = realloc(b->e, (size_t)*alloc * sizeof(*b->e));
		if (!b->e)
			abort();
	}
	e = &b->e[b->n++];
	e->outcome = o;
	e->profile = xstrdup(f2);
	e->script = xstrdup(f3);
	e->reason = reason ? xstrdup(reason) : NULL;
	e->line = line;
	return 0;
}

int tc_baseline_load(const char *path, struct tc_baseline **out,
		     struct tc_error *err)
{
	struct tc_baseline *b = calloc(1, sizeof(*b));
	FILE *f = fopen(path, "r");
	char *l = NULL;
	size_t cap = 0;
	ssize_t n;
	int line = 0, alloc = 0, ret = -1;

	*out = NULL;
	if (!b)
		abort();
	if (!f) {
		tc_error_set(err, TC_ERR_SCRIPT, "cannot read baseline '%s': %s", path,
			     strerror(errno));
		goto out;
	}
	while ((n = getline(&l, &cap, f)) >= 0) {
		line++;
		while (n && (l[n - 1] == '\n' || l[n - 1] == '\r'))
			l[--n] = '\0';
		if (parse(b, l, line, &alloc, err) < 0) {
			err->file = path;
			goto out;
		}
	}
	if (b->n)
		qsort(b->e, (size_t)b->n, sizeof(*b->e), cmp_entry);
	for (int i = 1; i < b->n; i++) {
		if (!cmp_entry(&b->e[i - 1], &b->e[i])) {
			const struct entry *x = &b->e[i - 1], *y = &b->e[i];

			tc_error_at(err, TC_ERR_SCRIPT, x->line > y->line ? x->line : y->line, 0,
				    "'%s' with profile '%s' is listed twice (also on line %d)",
				    x->script, x->profile, x->line < y->line ? x->line : y->line);
			err->file = path;
			goto out;
		}
	}
	*out = b;
	b = NULL;
	ret = 0;
out:
	if (f)
		fclose(f);
	free(l);
	tc_baseline_free(b);
	return ret;
}

void tc_baseline_judge(const struct tc_baseline *b, const struct tc_suite *s,
		       struct tc_case *c)
{
	const struct entry *e;

	/* A late run has no verdict to compare (the command exits 4). */
	if (!b || c->outcome == TC_OUT_NONE || c->outcome == TC_OUT_LATE)
		return;
	e = find(b, s->scripts[c->script], s->columns[c->column].label);
	c->bl_outcome = e ? e->outcome : -1;
	c->bl_reason = e ? e->reason : NULL;
	/* A crash is a bug in tcpconform: never as expected. */
	c->judgement = e && e->outcome == (int)c->outcome && !c->crashed ?
		       TC_BL_SAME : TC_BL_DIFF;
}

/* The placeholder reason of a new non-pass run: where it fails and the
 * message's first words, nothing that changes from run to run (live
 * sequence numbers, times), so that rewriting a baseline is quiet. */
static void todo(struct strbuf *out, const char *msg)
{
	const char *e = msg ? strstr(msg, ": error: ") : NULL;
	size_t n;

	strbuf_addstr(out, "  # TODO: explain");
	if (!e)
		return;
	strbuf_addstr(out, "; fails at ");
	strbuf_add(out, msg, (size_t)(e - msg));
	e += strlen(": error: ");
	n = strcspn(e, ":(");
	while (n && e[n - 1] == ' ')
		n--;
	if (n)
		strbuf_addf(out, " (%.*s)", (int)n, e);
}

int tc_baseline_write(const char *path, const struct tc_suite *s,
		      const struct tc_baseline *old, struct tc_error *err)
{
	struct strbuf sb = STRBUF_INIT, tmp = STRBUF_INIT;
	int wp = 8, ret = -1;
	FILE *f;

	for (int i = 0; i < s->n_columns; i++)
		if ((int)strlen(s->columns[i].label) > wp)
			wp = (int)strlen(s->columns[i].label);
	strbuf_addstr(&sb, header);
	strbuf_addf(&sb, "kernel %s\n", s->kernel_release[0] ? s->kernel_release : "unknown");
	if (s->config_sha256[0])
		strbuf_addf(&sb, "config sha256:%s\n", s->config_sha256);
	if (s->accel[0])
		strbuf_addf(&sb, "accelerator %s\n", s->accel);
	for (int i = 0; i < s->n_cases; i++) {
		const struct tc_case *c = &s->cases[i];
		const char *label = s->columns[c->column].label;
		const struct entry *e;
		size_t start = sb.len;

		if (c->outcome == TC_OUT_NONE)
			continue;
		e = find(old, s->scripts[c->script], label);
		if (c->outcome == TC_OUT_LATE) {
			/* No verdict: never recorded as the kernel's.  What
			 * the old baseline said stands; otherwise a note. */
			if (e) {
				strbuf_addf(&sb, "%-8s %-*s  ", tc_outcome_name(e->outcome),
					    wp, label);
				encode(&sb, s->scripts[c->script]);
				if (e->reason)
					strbuf_addf(&sb, "  # %s", e->reason);
			} else {
				strbuf_addf(&sb, "# not recorded (late in every attempt, no verdict): %s ",
					    label);
				encode(&sb, s->scripts[c->script]);
			}
			for (size_t k = start; k < sb.len; k++)
				if (sb.buf[k] == '\n' || sb.buf[k] == '\r')
					sb.buf[k] = ' ';
			strbuf_addch(&sb, '\n');
			continue;
		}
		strbuf_addf(&sb, "%-8s %-*s  ", tc_outcome_name(c->outcome), wp, label);
		encode(&sb, s->scripts[c->script]);
		if (e && e->outcome == (int)c->outcome && e->reason)
			strbuf_addf(&sb, "  # %s", e->reason);
		else if (c->outcome == TC_OUT_SKIP && c->message)
			strbuf_addf(&sb, "  # %s", c->message);
		else if (c->outcome != TC_OUT_PASS && c->cause && c->ref_outcome > 0)
			strbuf_addf(&sb, "  # %s under %s because of %s (%s under the kernel's defaults)",
				    tc_outcome_name(c->outcome),
				    s->profiles[s->columns[c->column].profile]->name, c->cause,
				    tc_outcome_name(c->ref_outcome));
		else if (c->outcome != TC_OUT_PASS)
			todo(&sb, c->message);
		/* One line per run, whatever the message held. */
		for (size_t k = start; k < sb.len; k++)
			if (sb.buf[k] == '\n' || sb.buf[k] == '\r')
				sb.buf[k] = ' ';
		strbuf_addch(&sb, '\n');
	}
	strbuf_addf(&tmp, "%s.tmp", path);
	f = fopen(tmp.buf, "w");
	if (!f) {
		tc_error_set(err, TC_ERR_ENV, "cannot write '%s': %s", tmp.buf, strerror(errno));
		goto out;
	}
	fwrite(sb.buf, 1, sb.len, f);
	if (fclose(f) != 0) {
		tc_error_set(err, TC_ERR_ENV, "cannot write '%s': %s", tmp.buf, strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	if (rename(tmp.buf, path) < 0) {
		tc_error_set(err, TC_ERR_ENV, "cannot rename '%s' to '%s': %s", tmp.buf, path,
			     strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&sb);
	strbuf_release(&tmp);
	return ret;
}
