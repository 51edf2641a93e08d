/* profile.c: see profile.h. */
#include "profile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "fsutil.h"
#include "proc.h"
#include "strbuf.h"
#include "xalloc.h"

void tc_profile_free(struct tc_profile *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n_sysctls; i++) {
		free((char *)p->sysctls[i].key);
		free((char *)p->sysctls[i].value);
	}
	free(p->sysctls);
	free(p->name);
	free(p->file);
	free(p);
}

static void add_sysctl(struct tc_profile *p, int *alloc, const char *key,
		       size_t key_len, const char *value, size_t value_len,
		       int line)
{
	struct tc_sysctl *sc;

	if (p->n_sysctls == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 16;
		p->sysctls = realloc(p->sysctls, (size_t)*alloc * sizeof(*p->sysctls));
		if (!p->sysctls)
			abort();
	}
	sc = &p->sysctls[p->n_sysctls++];
	sc->key = xstrndup(key, key_len);
	sc->value = xstrndup(value, value_len);
	sc->file = p->file;
	sc->line = line;
}

struct tc_profile *tc_profile_new_default(void)
{
	struct tc_profile *p = xcalloc(1, sizeof(*p));

	p->name = xstrdup("default");
	return p;
}

/* "dir/linux-default.sysctl" -> "linux-default" */
static char *profile_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n, sl = strlen(TC_PROFILE_SUFFIX);

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > sl && !strcmp(base + n - sl, TC_PROFILE_SUFFIX))
		n -= sl;
	return xstrndup(base, n);
}

/* "net.ipv4.tcp_rmem" or "net/ipv4/tcp_rmem" -> "net/ipv4/tcp_rmem", as
 * sysctl(8) reads names (slashes when a name part holds dots). */
static void key_path(const char *key, char *path, size_t size)
{
	snprintf(path, size, "%s", key);
	if (!strchr(path, '/'))
		for (char *q = path; *q; q++)
			if (*q == '.')
				*q = '/';
}

static bool key_chars_ok(const char *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = k[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.' || c == '/' || c == ':' || c == '@'))
			return false;
	}
	return n > 0 && k[0] != '.' && k[0] != '/' && !memmem(k, n, "..", 2) &&
	       !memmem(k, n, "/.", 2) && !memmem(k, n, "./", 2);
}

static int parse_line(struct tc_profile *p, int *alloc, char *s, int line,
		      struct tc_error *err)
{
	char *eq, *k, *ke, *v, *ve;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '-')
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
				   "a leading '-' (ignore failures) is not supported: every setting of a profile must apply");
	eq = strchr(s, '=');
	if (!eq)
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
				   "expected 'key = value', got '%s'", s);
	k = s;
	ke = eq;
	while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
		ke--;
	v = eq + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	/* A comment may follow the value after white space (q[-1] is at
	 * worst the '='). */
	ve = v;
	for (char *q = v; *q; q++) {
		if ((*q == '#' || *q == ';') && (q[-1] == ' ' || q[-1] == '\t'))
			break;
		ve = q + 1;
	}
	while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
		ve--;
	if (ke == k)
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0, "missing key before '='");
	if (ve == v)
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
				   "missing value after '%.*s ='", (int)(ke - k), k);
	if (!key_chars_ok(k, (size_t)(ke - k)))
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0, "bad sysctl name '%.*s'",
				   (int)(ke - k), k);
	if ((size_t)(ke - k) < 4 || (strncmp(k, "net.", 4) && strncmp(k, "net/", 4)))
		return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
				   "'%.*s' is not a network sysctl: a profile sets only per-namespace net.* keys",
				   (int)(ke - k), k);
	for (int i = 0; i < p->n_sysctls; i++) {
		const char *o = p->sysctls[i].key;

		if (strlen(o) == (size_t)(ke - k) && !strncmp(o, k, (size_t)(ke - k)))
			return tc_error_at(err, TC_ERR_SCRIPT, line, 0,
					   "'%s' is set twice (first on line %d)", o,
					   p->sysctls[i].line);
	}
	add_sysctl(p, alloc, k, (size_t)(ke - k), v, (size_t)(ve - v), line);
	return 0;
}

int tc_profile_parse(const char *path, const char *text, size_t len,
		     struct tc_profile **out, struct tc_error *err)
{
	struct tc_profile *p = xcalloc(1, sizeof(*p));
	const char *s = text, *end = text + len;
	int lineno = 0, alloc = 0, ret = -1;
	char *line = NULL;

	*out = NULL;
	p->file = xstrdup(path);
	p->name = profile_name(path);
	if (!*p->name || strpbrk(p->name, " \t#/")) {
		tc_error_set(err, TC_ERR_SCRIPT,
			     "bad profile name '%s' (from the file name): it must not be empty nor hold spaces or '#'",
			     p->name);
		err->file = path;
		goto out;
	}
	/* Lines as getline(3) returns them: the last one may lack its '\n'. */
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl ? nl : end) - s);

		lineno++;
		while (n > 0 && s[n - 1] == '\r')
			n--;
		if (memchr(s, '\0', n)) {
			tc_error_at(err, TC_ERR_SCRIPT, lineno, 0, "NUL byte in line");
			err->file = path;
			goto out;
		}
		free(line);
		line = xstrndup(s, n);
		if (parse_line(p, &alloc, line, lineno, err) < 0) {
			err->file = path;
			goto out;
		}
		s = nl ? nl + 1 : end;
	}
	*out = p;
	p = NULL;
	ret = 0;
out:
	free(line);
	tc_profile_free(p);
	return ret;
}

int tc_profile_load(const char *path, struct tc_profile **out,
		    struct tc_error *err)
{
	char *text = NULL;
	size_t len;
	int ret;

	*out = NULL;
	if (tc_read_input(path, "profile ", &text, &len, err) < 0)
		return -1;
	ret = tc_profile_parse(path, text, len, out, err);
	free(text);
	return ret;
}

/* Read a /proc/sys file as sysctl(8) shows it: one line, tabs as spaces.
 * Returns 0, or -errno. */
static int read_value(const char *file, struct strbuf *out)
{
	char buf[4096];
	ssize_t n;
	size_t len = 0;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\t')
			buf[i] = ' ';
		if (buf[i] == '\n')
			return -EINVAL;	/* not a one-line setting */
	}
	strbuf_add(out, buf, len);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the regular files in dir, sorted; caller frees each and
 * the array.  Returns the count, or -errno. */
static int list_files(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	int n = 0, alloc = 0;

	*out = NULL;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char file[512];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		if (lstat(file, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			v = realloc(v, (size_t)alloc * sizeof(*v));
			if (!v)
				abort();
		}
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, (size_t)n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

int tc_profile_host(struct tc_profile **out, struct tc_error *err)
{
	static const char *const dirs[] = { "net/ipv4", "net/core", NULL };
	struct tc_profile *p = xcalloc(1, sizeof(*p));
	int alloc = 0;

	p->name = xstrdup("host");
	p->file = xstrdup("host");
	p->is_host = true;
	for (int d = 0; dirs[d]; d++) {
		char dir[64], **names;
		int n;

		snprintf(dir, sizeof(dir), "/proc/sys/%s", dirs[d]);
		n = list_files(dir, &names);
		if (n < 0) {
			tc_profile_free(p);
			return tc_error_set(err, TC_ERR_ENV, "cannot list %s: %s", dir,
					    strerror(-n));
		}
		for (int i = 0; i < n; i++) {
			struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
			char file[512];
			struct stat st;

			snprintf(file, sizeof(file), "%s/%s", dir, names[i]);
			/* Only settings: a file nobody may write is a report.
			 * IPsec's xfrm_* are left out: the kernel hides them
			 * from a network namespace of a user namespace other
			 * than the host's, and each run has its own. */
			if (strncmp(names[i], "xfrm_", 5) &&
			    stat(file, &st) == 0 && (st.st_mode & 0222) &&
			    read_value(file, &val) == 0) {
				strbuf_addf(&key, "%s/%s", dirs[d], names[i]);
				for (char *q = key.buf; *q; q++)
					if (*q == '/')
						*q = '.';
				add_sysctl(p, &alloc, key.buf, key.len, val.buf, val.len, 0);
			}
			strbuf_release(&key);
			strbuf_release(&val);
			free(names[i]);
		}
		free(names);
	}
	*out = p;
	return 0;
}

/* ---- the throwaway namespace ---------------------------------------- */

static void put(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(3);
		s += w;
		n -= (size_t)w;
	}
}

static void putf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(int fd, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static int new_netns(int fd)
{
	if (unshare(CLONE_NEWNET) == 0)
		return 0;
	putf(fd, "! %d\n", errno);
	return -1;
}

/* Child: list every file under /proc/sys/<rel>, one "w PATH" (writable)
 * or "r PATH" line each. */
static void walk(int fd, const char *rel, int depth)
{
	char dir[512];
	DIR *d;
	struct dirent *de;

	if (depth > 8)
		return;
	snprintf(dir, sizeof(dir), "/proc/sys/%s", rel);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char sub[512], file[1024];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name);
		snprintf(file, sizeof(file), "/proc/sys/%s", sub);
		if (lstat(file, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(fd, sub, depth + 1);
		else if (S_ISREG(st.st_mode))
			putf(fd, "%c %s\n", (st.st_mode & 0222) ? 'w' : 'r', sub);
	}
	closedir(d);
}

/* Child: set every profile's values, each profile in a namespace of its
 * own; report the first refusal as "f PROFILE INDEX ERRNO". */
struct try_arg {
	struct tc_profile **profiles;
	int n;
	const char *const *keys;	/* read_defaults(): the keys to read */
	int n_keys;
};

/* Child: one line per key, "v VALUE" as sysctl(8) shows it or "-" when it
 * cannot be read, in a fresh namespace: the kernel's defaults. */
static void read_defaults(int fd, const struct try_arg *a)
{
	for (int i = 0; i < a->n_keys; i++) {
		struct strbuf v = STRBUF_INIT;
		char path[512], file[600];

		key_path(a->keys[i], path, sizeof(path));
		snprintf(file, sizeof(file), "/proc/sys/%s", path);
		if (read_value(file, &v) == 0)
			putf(fd, "v %s\n", v.buf);
		else
			putf(fd, "-\n");
		strbuf_release(&v);
	}
}

static void try_values(int fd, const struct try_arg *a)
{
	for (int i = 0; i < a->n; i++) {
		const struct tc_profile *p = a->profiles[i];

		if (!p->n_sysctls)
			continue;
		if (new_netns(fd) < 0)
			return;
		for (int j = 0; j < p->n_sysctls; j++) {
			char path[512], file[600];
			const char *v = p->sysctls[j].value;
			size_t len = strlen(v);
			ssize_t w;
			int wfd, e = 0;

			key_path(p->sysctls[j].key, path, sizeof(path));
			snprintf(file, sizeof(file), "/proc/sys/%s", path);
			wfd = open(file, O_WRONLY | O_CLOEXEC);
			if (wfd < 0) {
				e = errno;
			} else {
				w = write(wfd, v, len);
				if (w < 0)
					e = errno;
				else if ((size_t)w != len)
					e = EIO;
				close(wfd);
			}
			if (e) {
				putf(fd, "f %d %d %d\n", i, j, e);
				return;
			}
		}
	}
}

/* Run what in a child that has a network namespace of its own; its report
 * lines land in out.  Returns 0, or -1 with err (TC_ERR_ENV). */
static int in_throwaway_netns(int what, const struct try_arg *a,
			      struct strbuf *out, struct tc_error *err)
{
	int p[2], status, e;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return tc_error_set(err, TC_ERR_ENV, "cannot make a pipe: %s", strerror(errno));
	fflush(NULL);
	pid = tc_proc_fork(NULL);
	if (pid < 0) {
		e = errno;
		close(p[0]);
		close(p[1]);
		return tc_error_set(err, TC_ERR_ENV, "cannot fork: %s", strerror(e));
	}
	if (pid == 0) {
		close(p[0]);
		if (what == 0) {
			if (new_netns(p[1]) == 0)
				walk(p[1], "net", 0);
		} else if (what == 2) {
			if (new_netns(p[1]) == 0)
				read_defaults(p[1], a);
		} else {
			try_values(p[1], a);
		}
		_exit(0);
	}
	close(p[1]);
	tc_proc_read_all(p[0], out);
	close(p[0]);
	tc_proc_wait(pid, &status);
	if (out->len && out->buf[0] == '!') {
		e = atoi(out->buf + 2);
		return tc_error_set(err, TC_ERR_ENV,
				    "cannot create a network namespace: %s%s", strerror(e),
				    e == EPERM ? " (need root or CAP_SYS_ADMIN)" : "");
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return tc_error_set(err, TC_ERR_ENV,
				    "the child that checks profiles in a namespace failed (status %d)",
				    status);
	return 0;
}

/* The per-namespace sysctls: sorted "net/..." paths, each prefixed by its
 * 'w' or 'r' flag. */
struct ns_set {
	char **v;
	int n;
};

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 2, *(char *const *)b + 2);
}

static int discover(struct ns_set *set, struct tc_error *err)
{
	struct strbuf out = STRBUF_INIT;
	int alloc = 0;
	char *save = NULL;

	memset(set, 0, sizeof(*set));
	if (in_throwaway_netns(0, NULL, &out, err) < 0) {
		strbuf_release(&out);
		return -1;
	}
	for (char *l = strtok_r(out.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (set->n == alloc) {
			alloc = alloc ? 2 * alloc : 512;
			set->v = realloc(set->v, (size_t)alloc * sizeof(*set->v));
			if (!set->v)
				abort();
		}
		set->v[set->n++] = xstrdup(l);
	}
	strbuf_release(&out);
	if (set->n)
		qsort(set->v, (size_t)set->n, sizeof(*set->v), cmp_path);
	return 0;
}

/* 'w', 'r', or 0 when a fresh namespace has no such file. */
static char lookup(const struct ns_set *set, const char *path)
{
	int lo = 0, hi = set->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int c = strcmp(set->v[mid] + 2, path);

		if (!c)
			return set->v[mid][0];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

static void set_free(struct ns_set *set)
{
	for (int i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
}

static int sysctl_error(struct tc_error *err, const struct tc_sysctl *sc,
			const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int sysctl_error(struct tc_error *err, const struct tc_sysctl *sc,
			const char *fmt, ...)
{
	char msg[TC_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tc_error_at(err, TC_ERR_SCRIPT, sc->line, 0, "%s", msg);
	err->file = sc->file;
	return -1;
}

/* Keep the host profile's keys that a fresh namespace has and can write. */
static void filter_host(struct tc_profile *p, const struct ns_set *set)
{
	int k = 0;

	for (int i = 0; i < p->n_sysctls; i++) {
		char path[512];

		key_path(p->sysctls[i].key, path, sizeof(path));
		if (lookup(set, path) == 'w') {
			p->sysctls[k++] = p->sysctls[i];
		} else {
			free((char *)p->sysctls[i].key);
			free((char *)p->sysctls[i].value);
		}
	}
	p->n_sysctls = k;
}

static int check_keys(const struct tc_profile *p, const struct ns_set *set,
		      struct tc_error *err)
{
	for (int i = 0; i < p->n_sysctls; i++) {
		const struct tc_sysctl *sc = &p->sysctls[i];
		char path[512], file[600];
		struct stat st;

		key_path(sc->key, path, sizeof(path));
		switch (lookup(set, path)) {
		case 'w':
			continue;
		case 'r':
			return sysctl_error(err, sc,
					    "'%s' cannot be set inside a network namespace (it is read-only there)",
					    sc->key);
		default:
			/* The calling process is in the host's namespace. */
			snprintf(file, sizeof(file), "/proc/sys/%s", path);
			if (stat(file, &st) == 0)
				return sysctl_error(err, sc,
						    "'%s' is not a per-namespace sysctl (only the host's namespace has it)",
						    sc->key);
			return sysctl_error(err, sc, "unknown sysctl '%s'", sc->key);
		}
	}
	return 0;
}

static int check_values(struct tc_profile **profiles, int n, struct tc_error *err)
{
	struct strbuf out = STRBUF_INIT;
	struct try_arg a = { .profiles = profiles, .n = n };
	int i, j, e, ret = 0;

	if (in_throwaway_netns(1, &a, &out, err) < 0) {
		ret = -1;
	} else if (sscanf(out.buf, "f %d %d %d", &i, &j, &e) == 3 && i >= 0 && i < n &&
		   j >= 0 && j < profiles[i]->n_sysctls) {
		const struct tc_sysctl *sc = &profiles[i]->sysctls[j];

		ret = sysctl_error(err, sc, "the kernel refuses %s = %s: %s", sc->key,
				   sc->value, strerror(e));
	}
	strbuf_release(&out);
	return ret;
}

int tc_sysctl_defaults(const char *const *keys, int n, char **values,
		       struct tc_error *err)
{
	struct try_arg a = { .keys = keys, .n_keys = n };
	struct strbuf out = STRBUF_INIT;
	char *line;

	for (int i = 0; i < n; i++)
		values[i] = NULL;
	if (in_throwaway_netns(2, &a, &out, err) < 0) {
		strbuf_release(&out);
		return -1;
	}
	line = out.buf;
	for (int i = 0; i < n && line && *line; i++) {
		char *nl = strchr(line, '\n');

		if (!nl)
			break;
		*nl = '\0';
		if (line[0] == 'v' && line[1] == ' ')
			values[i] = xstrdup(line + 2);
		line = nl + 1;
	}
	strbuf_release(&out);
	return 0;
}

int tc_profile_check(struct tc_profile **profiles, int n, struct tc_error *err)
{
	struct ns_set set;
	int ret = -1;
	bool any = false;

	for (int i = 0; i < n; i++)
		any |= profiles[i]->n_sysctls > 0;
	if (!any)
		return 0;
	if (discover(&set, err) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (profiles[i]->is_host)
			filter_host(profiles[i], &set);
		else if (check_keys(profiles[i], &set, err) < 0)
			goto out;
	}
	ret = check_values(profiles, n, err);
out:
	set_free(&set);
	return ret;
}
