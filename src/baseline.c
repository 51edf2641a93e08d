/* baseline.c: see baseline.h. */
#include "baseline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fsutil.h"
#include "profile.h"
#include "strbuf.h"
#include "xalloc.h"

struct entry {
	int outcome;
	char *profile;
	char *script;		/* decoded */
	char *reason;		/* or NULL */
	int line;
};

/* A "setting" line: one setting of a profile, or (key NULL) the marker
 * of a profile recorded with none. */
struct setting {
	char *profile;
	char *key;		/* or NULL: "setting PROFILE -" */
	char *value;
	int line;
};

struct tc_baseline {
	char *kernel;
	char *config;		/* "sha256:HEX", or NULL */
	char *accel;		/* "kvm", "tcg", or NULL (native) */
	struct entry *e;	/* sorted by script, then profile */
	int n;
	struct setting *set;	/* in file order */
	int n_set, alloc_set;
};

static const char header[] =
	"# tcpconform baseline: the expected outcome of each run.\n"
	"# One line per run: OUTCOME PROFILE SCRIPT [# REASON]\n"
	"# OUTCOME is pass, fail, error, timeout or skip.  A run that does not\n"
	"# pass needs a REASON: replace each 'TODO:' with why it is expected.\n"
	"# Before the runs, each profile's settings: 'setting PROFILE KEY = VALUE'\n"
	"# (VALUE: the rest of the line), or 'setting PROFILE -' for a profile\n"
	"# with none.  A profile with no such line has no settings on record.\n"
	"# Check with:  tcpconform --baseline FILE ...   (exit 1 on any difference)\n"
	"# Update with: tcpconform --baseline FILE --write-baseline FILE ...\n";

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
	for (int i = 0; i < b->n_set; i++) {
		free(b->set[i].profile);
		free(b->set[i].key);
		free(b->set[i].value);
	}
	free(b->set);
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

/* Decode %XX in place; returns false on a bad escape. */
static bool decode(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '%') {
			int h = tc_hexval(s[1]), l = h >= 0 ? tc_hexval(s[2]) : -1;

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

/* "net.ipv4.x" and "net/ipv4/x" name the same setting: compare them as
 * sysctl(8) reads names (slashes when a name part holds dots). */
static bool same_key(const char *a, const char *b)
{
	bool sa = strchr(a, '/'), sb = strchr(b, '/');

	for (; *a && *b; a++, b++) {
		char x = !sa && *a == '.' ? '/' : *a, y = !sb && *b == '.' ? '/' : *b;

		if (x != y)
			return false;
	}
	return !*a && !*b;
}

/* "setting PROFILE KEY = VALUE" or "setting PROFILE -"; p is after the
 * word "setting". */
static int parse_setting(struct tc_baseline *b, char *p, int line,
			 struct tc_error *err)
{
	char *prof = next_field(&p), *key = prof ? next_field(&p) : NULL, *v = NULL;
	struct setting *st;
	size_t n;

	if (!key || strchr(key, '='))
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
				   "expected 'setting PROFILE KEY = VALUE' or 'setting PROFILE -'");
	if (!strcmp(key, "-")) {
		key = NULL;
		if (next_field(&p))
			return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
					   "unexpected text after 'setting %s -' (a profile with no settings)",
					   prof);
	} else {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
					   "expected ' = VALUE' after 'setting %s %s'", prof, key);
		v = p + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		n = strlen(v);
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			v[--n] = '\0';
	}
	for (int i = 0; i < b->n_set; i++) {
		const struct setting *o = &b->set[i];

		if (strcmp(o->profile, prof))
			continue;
		if (!key && !o->key)
			return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
					   "'setting %s -' is listed twice (also on line %d)",
					   prof, o->line);
		if (!key || !o->key)
			return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
					   "profile '%s' is recorded both with no settings ('-') and with settings (also on line %d)",
					   prof, o->line);
		if (same_key(o->key, key))
			return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
					   "setting '%s' of profile '%s' is listed twice (also on line %d)",
					   key, prof, o->line);
	}
	if (b->n_set == b->alloc_set) {
		b->alloc_set = b->alloc_set ? 2 * b->alloc_set : 16;
		b->set = realloc(b->set, (size_t)b->alloc_set * sizeof(*b->set));
		if (!b->set)
			abort();
	}
	st = &b->set[b->n_set++];
	st->profile = xstrdup(prof);
	st->key = key ? xstrdup(key) : NULL;
	st->value = v ? xstrdup(v) : NULL;
	st->line = line;
	return 0;
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
	if (!strcmp(f1, "setting"))
		return parse_setting(b, p, line, err);
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

int tc_baseline_parse(const char *path, const char *text, size_t len,
		      struct tc_baseline **out, struct tc_error *err)
{
	struct tc_baseline *b = calloc(1, sizeof(*b));
	const char *s = text, *end = text + len;
	char *l = NULL;
	int line = 0, alloc = 0, ret = -1;

	*out = NULL;
	if (!b)
		abort();
	/* Lines as getline(3) returns them: the last one may lack its '\n'. */
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl ? nl : end) - s);

		line++;
		while (n && s[n - 1] == '\r')
			n--;
		if (memchr(s, '\0', n)) {
			tc_error_at(err, TC_ERR_SCRIPT, line, 0, "NUL byte in line");
			err->file = path;
			goto out;
		}
		free(l);
		l = strndup(s, n);
		if (!l)
			abort();
		if (parse(b, l, line, &alloc, err) < 0) {
			err->file = path;
			goto out;
		}
		s = nl ? nl + 1 : end;
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
	free(l);
	tc_baseline_free(b);
	return ret;
}

int tc_baseline_load(const char *path, struct tc_baseline **out,
		     struct tc_error *err)
{
	char *text = NULL;
	size_t len;
	int ret;

	*out = NULL;
	if (tc_read_input(path, "baseline ", &text, &len, err) < 0)
		return -1;
	ret = tc_baseline_parse(path, text, len, out, err);
	free(text);
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

bool tc_baseline_expects(const struct tc_baseline *b, const struct tc_suite *s,
			 const struct tc_case *c, enum tc_outcome o)
{
	const struct entry *e = find(b, s->scripts[c->script], s->columns[c->column].label);

	return e && e->outcome == (int)o;
}

static void add_change(struct tc_settings_diff *d, const char *key, const char *was,
		       const char *now)
{
	d->changes = realloc(d->changes, (size_t)(d->n + 1) * sizeof(*d->changes));
	if (!d->changes)
		abort();
	d->changes[d->n].key = key;
	d->changes[d->n].was = was;
	d->changes[d->n].now = now;
	d->n++;
}

void tc_baseline_settings_diff(const struct tc_baseline *b, const struct tc_profile *p,
			       struct tc_settings_diff *d)
{
	memset(d, 0, sizeof(*d));
	for (int i = 0; b && i < b->n_set; i++)
		if (!strcmp(b->set[i].profile, p->name))
			d->recorded = true;
	if (!d->recorded)
		return;
	/* Changed and added, in the profile's order... */
	for (int k = 0; k < p->n_sysctls; k++) {
		const struct tc_sysctl *sc = &p->sysctls[k];
		const struct setting *st = NULL;

		for (int i = 0; i < b->n_set && !st; i++)
			if (b->set[i].key && !strcmp(b->set[i].profile, p->name) &&
			    same_key(b->set[i].key, sc->key))
				st = &b->set[i];
		if (!st)
			add_change(d, sc->key, NULL, sc->value);
		else if (strcmp(st->value, sc->value))
			add_change(d, sc->key, st->value, sc->value);
	}
	/* ...then removed, in the baseline's. */
	for (int i = 0; i < b->n_set; i++) {
		const struct setting *st = &b->set[i];
		bool found = false;

		if (!st->key || strcmp(st->profile, p->name))
			continue;
		for (int k = 0; k < p->n_sysctls && !found; k++)
			found = same_key(st->key, p->sysctls[k].key);
		if (!found)
			add_change(d, st->key, st->value, NULL);
	}
}

void tc_settings_diff_release(struct tc_settings_diff *d)
{
	free(d->changes);
	memset(d, 0, sizeof(*d));
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
	struct strbuf sb = STRBUF_INIT;
	int wp = 8, ret = -1;

	for (int i = 0; i < s->n_columns; i++)
		if ((int)strlen(s->columns[i].label) > wp)
			wp = (int)strlen(s->columns[i].label);
	strbuf_addstr(&sb, header);
	strbuf_addf(&sb, "kernel %s\n", s->kernel_release[0] ? s->kernel_release : "unknown");
	if (s->config_sha256[0])
		strbuf_addf(&sb, "config sha256:%s\n", s->config_sha256);
	if (s->accel[0])
		strbuf_addf(&sb, "accelerator %s\n", s->accel);
	/* Each profile's settings, so that a gate can say what changed. */
	for (int i = 0; i < s->n_profiles; i++) {
		const struct tc_profile *p = s->profiles[i];

		if (!p->n_sysctls)
			strbuf_addf(&sb, "setting %s -\n", p->name);
		for (int k = 0; k < p->n_sysctls; k++) {
			size_t start = sb.len;

			strbuf_addf(&sb, "setting %s %s = %s", p->name, p->sysctls[k].key,
				    p->sysctls[k].value);
			for (size_t j = start; j < sb.len; j++)
				if (sb.buf[j] == '\n' || sb.buf[j] == '\r')
					sb.buf[j] = ' ';
			strbuf_addch(&sb, '\n');
		}
	}
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
	/* A temporary of our own making in the target's directory (O_EXCL:
	 * never through a name someone else planted there), then rename
	 * (fsutil.h). */
	if (tc_replace_file(path, sb.buf, sb.len) < 0) {
		tc_error_set(err, TC_ERR_ENV, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&sb);
	return ret;
}
