/* kmod.c: see kmod.h. */
#include "kmod.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fsutil.h"
#include "strbuf.h"

struct mod {
	char *path;
	char name[64];
	int *deps;		/* indexes into mods */
	int n_deps;
};

struct tc_kmod {
	struct mod *mods;
	int n;
};

void tc_kmod_name(const char *path, char *name, int size)
{
	const char *base = strrchr(path, '/');
	const char *ko;
	int len;

	base = base ? base + 1 : path;
	ko = strstr(base, ".ko");
	len = ko ? (int)(ko - base) : (int)strlen(base);
	if (len >= size)
		len = size - 1;
	for (int i = 0; i < len; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	name[len] = '\0';
}

void tc_kmod_free(struct tc_kmod *k)
{
	if (!k)
		return;
	for (int i = 0; i < k->n; i++) {
		free(k->mods[i].path);
		free(k->mods[i].deps);
	}
	free(k->mods);
	free(k);
}

static int find_path(const struct tc_kmod *k, const char *path)
{
	for (int i = 0; i < k->n; i++)
		if (!strcmp(k->mods[i].path, path))
			return i;
	return -1;
}

static int add_mod(struct tc_kmod *k, const char *path)
{
	int i = find_path(k, path);
	struct mod *m;

	if (i >= 0)
		return i;
	m = realloc(k->mods, (size_t)(k->n + 1) * sizeof(*m));
	if (!m)
		abort();
	k->mods = m;
	m = &k->mods[k->n];
	memset(m, 0, sizeof(*m));
	m->path = strdup(path);
	if (!m->path)
		abort();
	tc_kmod_name(path, m->name, sizeof(m->name));
	return k->n++;
}

int tc_kmod_parse(const char *text, const char *file, struct tc_kmod **out,
		  struct tc_error *err)
{
	struct tc_kmod *k = calloc(1, sizeof(*k));
	char *copy = strdup(text), *save = NULL;
	int lineno = 0;

	if (!k || !copy)
		abort();
	/* Two passes are not needed: a dependency may be listed before its
	 * own line, so modules are added by path as they are first seen. */
	for (char *line = copy; line; line = save) {
		char *colon, *tok, *tsave = NULL;
		int self;

		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		lineno++;
		if (!line[0] || line[0] == '#')
			continue;
		colon = strchr(line, ':');
		if (!colon || colon == line) {
			tc_error_set(err, TC_ERR_ENV, "%s:%d: malformed line (expected 'PATH: DEPS')",
				     file, lineno);
			free(copy);
			tc_kmod_free(k);
			return -1;
		}
		*colon = '\0';
		self = add_mod(k, line);
		for (tok = strtok_r(colon + 1, " \t", &tsave); tok;
		     tok = strtok_r(NULL, " \t", &tsave)) {
			int d = add_mod(k, tok);
			struct mod *m = &k->mods[self];
			int *deps = realloc(m->deps, (size_t)(m->n_deps + 1) * sizeof(*deps));

			if (!deps)
				abort();
			m->deps = deps;
			m->deps[m->n_deps++] = d;
		}
	}
	free(copy);
	*out = k;
	return 0;
}

int tc_kmod_load(const char *dir, struct tc_kmod **out, struct tc_error *err)
{
	struct strbuf path = STRBUF_INIT;
	char *text;
	size_t len;
	int ret;

	strbuf_addf(&path, "%s/modules.dep", dir);
	if (tc_read_input(path.buf, "", &text, &len, err) < 0) {
		char why[TC_ERROR_MAX];

		snprintf(why, sizeof(why), "%s", err->msg);
		ret = tc_error_set(err, TC_ERR_ENV, "%s (run 'depmod -b ROOT VERSION' "
				   "for a modules tree that has none)", why);
	} else {
		ret = tc_kmod_parse(text, path.buf, out, err);
		free(text);
	}
	strbuf_release(&path);
	return ret;
}

int tc_kmod_builtin(const char *dir, const char *name)
{
	struct strbuf path = STRBUF_INIT;
	struct tc_error err;
	char *text = NULL;
	size_t len;
	int found = 0;

	strbuf_addf(&path, "%s/modules.builtin", dir);
	if (tc_read_input(path.buf, "", &text, &len, &err) == 0) {
		char *save = NULL;

		for (char *l = strtok_r(text, "\n", &save); l && !found;
		     l = strtok_r(NULL, "\n", &save)) {
			char n[64];

			tc_kmod_name(l, n, sizeof(n));
			found = !strcmp(n, name);
		}
	}
	strbuf_release(&path);
	free(text);
	return found;
}

/* Depth first: dependencies, then the module.  state: 0 new, 1 in
 * progress (a cycle is cut there), 2 done. */
static void visit(const struct tc_kmod *k, int i, char *state, struct strbuf *paths)
{
	const struct mod *m = &k->mods[i];

	if (state[i])
		return;
	state[i] = 1;
	/* depmod lists the deepest dependencies last: visit from the end,
	 * as modprobe loads them. */
	for (int d = m->n_deps - 1; d >= 0; d--)
		visit(k, m->deps[d], state, paths);
	state[i] = 2;
	strbuf_addf(paths, "%s\n", m->path);
}

void tc_kmod_order(const struct tc_kmod *k, const char *const *names, int n,
		   struct strbuf *paths, struct strbuf *missing)
{
	char *state = calloc((size_t)k->n + 1, 1);

	if (!state)
		abort();
	for (int j = 0; j < n; j++) {
		char want[64];
		int found = -1;

		tc_kmod_name(names[j], want, sizeof(want));
		for (int i = 0; i < k->n && found < 0; i++)
			if (!strcmp(k->mods[i].name, want))
				found = i;
		if (found < 0)
			strbuf_addf(missing, "%s\n", want);
		else
			visit(k, found, state, paths);
	}
	free(state);
}
