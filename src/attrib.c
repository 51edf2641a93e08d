/* attrib.c: see attrib.h. */
#include "attrib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "profile.h"
#include "strbuf.h"

/* A key of the profile under search, with the kernel's default value. */
struct key {
	const struct tc_sysctl *sc;
	char *deflt;		/* NULL: unknown */
};

static double since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

/* Whether two sysctl values are the same, field by field. */
static bool same_value(const char *a, const char *b)
{
	for (;;) {
		size_t na, nb;

		a += strspn(a, " \t\n");
		b += strspn(b, " \t\n");
		if (!*a || !*b)
			return !*a && !*b;
		na = strcspn(a, " \t\n");
		nb = strcspn(b, " \t\n");
		if (na != nb || memcmp(a, b, na))
			return false;
		a += na;
		b += nb;
	}
}

/* The kernel's default of each key (profile.c reads them in a fresh
 * namespace); a key it cannot read keeps deflt NULL. */
static void read_defaults(struct key *keys, int n)
{
	const char **names = calloc((size_t)n + 1, sizeof(*names));
	char **vals = calloc((size_t)n + 1, sizeof(*vals));
	struct tc_error err;

	if (!names || !vals)
		abort();
	for (int i = 0; i < n; i++)
		names[i] = keys[i].sc->key;
	tc_error_clear(&err);
	if (tc_sysctl_defaults(names, n, vals, &err) == 0)
		for (int i = 0; i < n; i++)
			keys[i].deflt = vals[i];
	free(names);
	free(vals);
}

/* A profile of the given keys of parent (strings borrowed). */
static struct tc_profile *subset(const struct tc_profile *parent, struct key *keys,
				 const int *which, int n)
{
	struct tc_profile *p = calloc(1, sizeof(*p));

	if (!p || !(p->sysctls = calloc((size_t)(n ? n : 1), sizeof(*p->sysctls))) ||
	    !(p->name = strdup(parent->name)))
		abort();
	p->file = parent->file;
	for (int i = 0; i < n; i++)
		p->sysctls[p->n_sysctls++] = *keys[which[i]].sc;
	return p;
}

static void subset_free(struct tc_profile *p)
{
	if (!p)
		return;
	free(p->sysctls);
	free(p->name);
	free(p);
}

/*
 * Run script path once under each of profiles[0..n-1] in IP version ipv;
 * out[i] is the outcome, or -1 when the run said nothing about the kernel
 * (late, crashed, environment).  Returns 0, or -1 with err.
 */
static int run_under(struct tc_suite *s, const char *path, int ipv,
		     struct tc_profile **profiles, int n, const struct tc_run_opts *ro,
		     int *out, struct tc_error *err)
{
	struct tc_suite sub;
	struct tc_run_opts o = *ro;
	int v = ipv, rc;

	tc_suite_init(&sub);
	o.on_start = NULL;
	o.on_output = NULL;
	o.on_done = NULL;
	o.arg = NULL;
	o.expected = NULL;	/* the suite's baseline is not about these runs */
	o.pcap_dir = NULL;
	o.pcap_on_fail = false;
	o.retries = 0;
	o.stream = false;
	rc = tc_suite_add_path(&sub, path, err);
	if (rc == 0)
		rc = tc_suite_plan(&sub, profiles, n, &v, 1, 1, 1, err);
	if (rc == 0)
		rc = tc_suite_run(&sub, &o, err);
	for (int i = 0; i < n; i++) {
		const struct tc_case *c = i < sub.n_cases ? &sub.cases[i] : NULL;

		out[i] = !c || rc < 0 || c->crashed || c->outcome == TC_OUT_NONE ||
			 c->outcome == TC_OUT_LATE || c->exit_code == TC_EXIT_ENV ?
			 -1 : (int)c->outcome;
	}
	s->attrib_runs += n;
	if (sub.interrupted)
		s->interrupted = true;
	tc_suite_release(&sub);
	return rc;
}

static void add_key(struct strbuf *sb, const struct key *k)
{
	strbuf_addf(sb, "%s = %s", k->sc->key, k->sc->value);
	if (k->deflt)
		strbuf_addf(sb, " (default %s)", k->deflt);
}

/* Search the cause of case c (its reference outcome known). */
static int search(struct tc_suite *s, struct tc_case *c, const struct tc_run_opts *ro,
		  int *budget, struct tc_error *err)
{
	const struct tc_column *col = &s->columns[c->column];
	const struct tc_profile *prof = s->profiles[col->profile];
	const char *path = s->scripts[c->script];
	struct key *keys = calloc((size_t)prof->n_sysctls + 1, sizeof(*keys));
	int *set = calloc((size_t)prof->n_sysctls + 1, sizeof(*set));
	int *out = calloc((size_t)prof->n_sysctls + 1, sizeof(*out));
	struct tc_profile **tests = calloc((size_t)prof->n_sysctls + 1, sizeof(*tests));
	struct strbuf sb = STRBUF_INIT;
	int n = 0, n_set, ret = 0, hits = 0;

	if (!keys || !set || !out || !tests)
		abort();
	/* The last line of a key wins, as when the profile is applied. */
	for (int i = 0; i < prof->n_sysctls; i++) {
		int k;

		for (k = 0; k < n && strcmp(keys[k].sc->key, prof->sysctls[i].key); k++)
			;
		keys[k].sc = &prof->sysctls[i];
		if (k == n)
			n++;
	}
	read_defaults(keys, n);
	/* Keys at their default change nothing. */
	n_set = 0;
	for (int i = 0; i < n; i++)
		if (!keys[i].deflt || !same_value(keys[i].deflt, keys[i].sc->value))
			set[n_set++] = i;
	/* No setting differs: the profile cannot be the cause (the kernel,
	 * or a run that came out otherwise once). */
	if (n_set == 0)
		goto out;
	/* First the same outcome again under the profile's differing keys
	 * together: a run that does not repeat it came out otherwise once,
	 * and no setting is to blame. */
	if (*budget < 1)
		goto no_budget;
	tests[0] = subset(prof, keys, set, n_set);
	*budget -= 1;
	ret = run_under(s, path, col->ip_version, tests, 1, ro, out, err);
	subset_free(tests[0]);
	tests[0] = NULL;
	if (ret < 0 || s->interrupted || out[0] != (int)c->outcome)
		goto out;
	if (n_set == 1) {
		/* The only setting that differs, and it repeats. */
		add_key(&sb, &keys[set[0]]);
		c->cause = strbuf_detach(&sb);
		goto out;
	}
	/* Each key alone. */
	if (*budget < n_set)
		goto no_budget;
	for (int i = 0; i < n_set; i++)
		tests[i] = subset(prof, keys, &set[i], 1);
	*budget -= n_set;
	ret = run_under(s, path, col->ip_version, tests, n_set, ro, out, err);
	for (int i = 0; i < n_set; i++) {
		subset_free(tests[i]);
		tests[i] = NULL;
		if (ret == 0 && out[i] == (int)c->outcome) {
			if (hits++)
				strbuf_addstr(&sb, " or ");
			add_key(&sb, &keys[set[i]]);
		}
	}
	if (ret < 0 || s->interrupted)
		goto out;
	if (hits) {
		if (hits > 1)
			strbuf_addstr(&sb, " (each alone)");
		c->cause = strbuf_detach(&sb);
		goto out;
	}
	/* Together: take keys away in chunks while the outcome stays. */
	for (int gran = 2; n_set >= 2;) {
		int chunks = gran < n_set ? gran : n_set, found = -1;
		int *rest = calloc((size_t)n_set, sizeof(*rest));

		if (!rest)
			abort();
		if (*budget < chunks) {
			free(rest);
			goto no_budget;
		}
		for (int j = 0; j < chunks; j++) {
			int lo = n_set * j / chunks, hi = n_set * (j + 1) / chunks, m = 0;

			for (int i = 0; i < n_set; i++)
				if (i < lo || i >= hi)
					rest[m++] = set[i];
			tests[j] = subset(prof, keys, rest, m);
		}
		*budget -= chunks;
		ret = run_under(s, path, col->ip_version, tests, chunks, ro, out, err);
		for (int j = 0; j < chunks; j++)
			if (found < 0 && ret == 0 && out[j] == (int)c->outcome)
				found = j;
		if (found >= 0) {
			int lo = n_set * found / chunks, hi = n_set * (found + 1) / chunks, m = 0;

			for (int i = 0; i < n_set; i++)
				if (i < lo || i >= hi)
					rest[m++] = set[i];
			memcpy(set, rest, (size_t)m * sizeof(*set));
			n_set = m;
			gran = gran > 2 ? gran - 1 : 2;
		}
		for (int j = 0; j < chunks; j++) {
			subset_free(tests[j]);
			tests[j] = NULL;
		}
		free(rest);
		if (ret < 0 || s->interrupted)
			goto out;
		if (found < 0) {
			if (chunks >= n_set)
				break;
			gran = 2 * gran < n_set ? 2 * gran : n_set;
		}
	}
	for (int i = 0; i < n_set; i++) {
		if (i)
			strbuf_addstr(&sb, " and ");
		add_key(&sb, &keys[set[i]]);
	}
	if (n_set > 1)
		strbuf_addstr(&sb, " (together)");
	c->cause = strbuf_detach(&sb);
	goto out;
no_budget:
	c->cause = strdup("not searched: the run budget (--attribute-runs) is spent");
out:
	for (int i = 0; i < n; i++)
		free(keys[i].deflt);
	free(keys);
	free(set);
	free(out);
	free(tests);
	strbuf_release(&sb);
	return ret;
}

/* Whether an outcome is a verdict on the kernel that can be compared. */
static bool verdict(int o)
{
	return o == TC_OUT_PASS || o == TC_OUT_FAIL || o == TC_OUT_TIMEOUT;
}

int tc_attribute(struct tc_suite *s, const struct tc_run_opts *ro, int budget,
		 struct tc_error *err)
{
	struct timespec t0;
	struct tc_profile *ref = NULL;
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < s->n_cases; i++)
		s->cases[i].ref_outcome = -1;
	if (budget <= 0)
		return 0;
	/* Reference outcomes from columns that set nothing. */
	for (int i = 0; i < s->n_cases; i++) {
		struct tc_case *c = &s->cases[i];

		if (s->profiles[s->columns[c->column].profile]->n_sysctls)
			continue;
		for (int k = 0; k < s->n_cases; k++) {
			struct tc_case *d = &s->cases[k];

			if (d->script == c->script &&
			    s->columns[d->column].ip_version == s->columns[c->column].ip_version &&
			    !c->crashed && verdict((int)c->outcome))
				d->ref_outcome = (int)c->outcome;
		}
	}
	/* Run the reference where a failing case lacks one. */
	for (int i = 0; i < s->n_cases && !s->interrupted && ret == 0; i++) {
		struct tc_case *c = &s->cases[i];
		int out = -1;

		if (c->ref_outcome >= 0 || c->crashed ||
		    (c->outcome != TC_OUT_FAIL && c->outcome != TC_OUT_TIMEOUT) ||
		    !s->profiles[s->columns[c->column].profile]->n_sysctls)
			continue;
		if (budget < 1)
			break;
		if (!ref)
			ref = tc_profile_new_default();
		budget--;
		ret = run_under(s, s->scripts[c->script], s->columns[c->column].ip_version,
				&ref, 1, ro, &out, err);
		/* Every case of this script and IP version shares it. */
		for (int k = 0; k < s->n_cases; k++) {
			struct tc_case *d = &s->cases[k];

			if (d->script == c->script &&
			    s->columns[d->column].ip_version == s->columns[c->column].ip_version &&
			    verdict(out))
				d->ref_outcome = out;
		}
	}
	for (int i = 0; i < s->n_cases && !s->interrupted && ret == 0; i++) {
		struct tc_case *c = &s->cases[i];

		if (c->ref_outcome < 0 || c->crashed || !verdict((int)c->outcome) ||
		    c->ref_outcome == (int)c->outcome ||
		    !s->profiles[s->columns[c->column].profile]->n_sysctls)
			continue;
		ret = search(s, c, ro, &budget, err);
	}
	tc_profile_free(ref);
	s->attrib_seconds = since(&t0);
	return ret;
}
