/* vmjob.c: see vmjob.h. */
#include "vmjob.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"

static void rec(struct strbuf *out, const char *key, const char *value)
{
	if (!value)
		return;
	strbuf_addf(out, "%s=", key);
	strbuf_add(out, value, strlen(value) + 1);
}

void tc_vmjob_format(const struct tc_vmjob *j, struct strbuf *out)
{
	rec(out, "exe", j->exe);
	rec(out, "cwd", j->cwd);
	for (int i = 0; i < j->argc; i++)
		rec(out, "arg", j->argv[i]);
	rec(out, "modules", j->modules);
	rec(out, "accel", j->accel);
	for (int i = 0; i < j->n_outs; i++)
		rec(out, j->outs[i].kind == 'd' ? "out-dir" : "out-file", j->outs[i].path);
}

static char *dup_or_die(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

int tc_vmjob_parse(const char *buf, size_t len, struct tc_vmjob *j, struct tc_error *err)
{
	size_t off = 0;

	memset(j, 0, sizeof(*j));
	if (len && buf[len - 1] != '\0')
		return tc_error_set(err, TC_ERR_ENV, "malformed job: unterminated record");
	while (off < len) {
		const char *r = buf + off, *eq = strchr(r, '=');
		size_t klen = eq ? (size_t)(eq - r) : 0;
		const char *v = eq ? eq + 1 : NULL;

		off += strlen(r) + 1;
#define IS(k) (klen == strlen(k) && !strncmp(r, k, klen))
		if (!eq) {
			tc_vmjob_release(j);
			return tc_error_set(err, TC_ERR_ENV, "malformed job record '%s'", r);
		} else if (IS("exe") || IS("cwd") || IS("modules") || IS("accel")) {
			char **p = IS("exe") ? &j->exe : IS("cwd") ? &j->cwd :
				   IS("modules") ? &j->modules : &j->accel;

			free(*p);
			*p = dup_or_die(v);
		} else if (IS("arg")) {
			if (j->argc == TC_VMJOB_MAX_ARGS) {
				tc_vmjob_release(j);
				return tc_error_set(err, TC_ERR_ENV, "job: too many arguments");
			}
			j->argv[j->argc++] = dup_or_die(v);
		} else if (IS("out-file") || IS("out-dir")) {
			if (j->n_outs == TC_VMJOB_MAX_OUTS) {
				tc_vmjob_release(j);
				return tc_error_set(err, TC_ERR_ENV, "job: too many outputs");
			}
			j->outs[j->n_outs].kind = IS("out-dir") ? 'd' : 'f';
			j->outs[j->n_outs++].path = dup_or_die(v);
		} else {
			tc_vmjob_release(j);
			return tc_error_set(err, TC_ERR_ENV, "malformed job: unknown key '%.*s'",
					    (int)klen, r);
		}
#undef IS
	}
	if (!j->exe || !j->cwd || !j->argc) {
		tc_vmjob_release(j);
		return tc_error_set(err, TC_ERR_ENV, "malformed job: no exe, cwd or arg");
	}
	return 0;
}

void tc_vmjob_release(struct tc_vmjob *j)
{
	free(j->exe);
	free(j->cwd);
	free(j->modules);
	free(j->accel);
	for (int i = 0; i < j->argc; i++)
		free(j->argv[i]);
	for (int i = 0; i < j->n_outs; i++)
		free(j->outs[i].path);
	memset(j, 0, sizeof(*j));
}
