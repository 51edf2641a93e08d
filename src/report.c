/* report.c: see report.h. */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "profile.h"
#include "strbuf.h"

static bool is_failure(enum tc_outcome o)
{
	return o == TC_OUT_FAIL || o == TC_OUT_ERROR || o == TC_OUT_TIMEOUT;
}

void tc_report_count(const struct tc_suite *s, struct tc_counts *n)
{
	memset(n, 0, sizeof(*n));
	for (int i = 0; i < s->n_cases; i++) {
		const struct tc_case *c = &s->cases[i];

		switch (c->outcome) {
		case TC_OUT_NONE:
			n->not_run++;
			continue;
		case TC_OUT_PASS:
			n->passed++;
			break;
		case TC_OUT_SKIP:
			n->skipped++;
			break;
		case TC_OUT_LATE:
			n->late++;
			break;
		case TC_OUT_FAIL:
		case TC_OUT_ERROR:
		case TC_OUT_TIMEOUT:
			n->failed++;
			break;
		}
		n->errors += c->outcome == TC_OUT_ERROR;
		n->timeouts += c->outcome == TC_OUT_TIMEOUT;
		n->crashed += c->crashed;
		n->flaky += c->flaky;
		n->expected += is_failure(c->outcome) && c->judgement == TC_BL_SAME;
		n->differ += c->judgement == TC_BL_DIFF;
	}
}

static const char *profile_of(const struct tc_suite *s, const struct tc_case *c)
{
	return s->columns[c->column].label;
}

/* ---- terminal ------------------------------------------------------- */

void tc_report_progress(FILE *f, const struct tc_suite *s, int done,
			const struct tc_case *running, int width)
{
	struct tc_counts n;
	struct strbuf sb = STRBUF_INIT;

	tc_report_count(s, &n);
	strbuf_addf(&sb, "[%d/%d] %d passed, %d failed, %d skipped", done, s->n_cases,
		    n.passed, n.failed, n.skipped);
	if (running)
		strbuf_addf(&sb, "  %s [%s]", s->scripts[running->script],
			    profile_of(s, running));
	if (width > 1 && sb.len > (size_t)width - 1)
		sb.buf[width - 1] = '\0';
	fprintf(f, "\r\033[K%s", sb.buf);
	fflush(f);
	strbuf_release(&sb);
}

void tc_report_line(FILE *f, const struct tc_suite *s, const struct tc_case *c,
		    int done)
{
	int w = snprintf(NULL, 0, "%d", s->n_cases);

	fprintf(f, "[%*d/%d] %-7s %s [%s] (%.2f s)\n", w, done, s->n_cases,
		tc_label_name(tc_case_label(c)), s->scripts[c->script], profile_of(s, c), c->seconds);
}

static int case_at(const struct tc_suite *s, int script, int column)
{
	/* Cases are in script-major order: search near where it would be. */
	for (int i = 0; i < s->n_cases; i++)
		if (s->cases[i].script == script && s->cases[i].column == column)
			return i;
	return -1;
}

static void matrix(FILE *f, const struct tc_suite *s)
{
	int w0 = (int)strlen("script");
	int *w = calloc((size_t)s->n_columns, sizeof(*w));
	bool any_diff = false;

	if (!w)
		abort();
	for (int i = 0; i < s->n_scripts; i++)
		if ((int)strlen(s->scripts[i]) > w0)
			w0 = (int)strlen(s->scripts[i]);
	for (int c = 0; c < s->n_columns; c++) {
		w[c] = (int)strlen(s->columns[c].label);
		if (w[c] < 8)
			w[c] = 8;
	}
	{
		struct strbuf head = STRBUF_INIT;

		strbuf_addf(&head, "%-*s", w0, "script");
		for (int c = 0; c < s->n_columns; c++)
			strbuf_addf(&head, "  %-*s", w[c], s->columns[c].label);
		while (head.len && head.buf[head.len - 1] == ' ')
			head.buf[--head.len] = '\0';
		fprintf(f, "%s\n", head.buf);
		strbuf_release(&head);
	}
	for (int i = 0; i < s->n_scripts; i++) {
		bool any = false;
		struct strbuf row = STRBUF_INIT;

		strbuf_addf(&row, "%-*s", w0, s->scripts[i]);
		for (int c = 0; c < s->n_columns; c++) {
			int k = case_at(s, i, c);
			char cell[32];

			if (k < 0) {
				snprintf(cell, sizeof(cell), "%s", "");
			} else {
				const struct tc_case *tc = &s->cases[k];

				any = true;
				snprintf(cell, sizeof(cell), "%s%s", tc_label_name(tc_case_label(tc)),
					 tc->judgement == TC_BL_DIFF ? "!" : "");
				any_diff |= tc->judgement == TC_BL_DIFF;
			}
			strbuf_addf(&row, "  %-*s", w[c], cell);
		}
		while (row.len && row.buf[row.len - 1] == ' ')
			row.buf[--row.len] = '\0';
		if (any)	/* a shard shows only its own rows */
			fprintf(f, "%s\n", row.buf);
		strbuf_release(&row);
	}
	if (any_diff)
		fprintf(f, "(! differs from the baseline)\n");
	free(w);
}

static void summary_line(FILE *f, const struct tc_counts *n)
{
	struct strbuf extra = STRBUF_INIT;

#define EXTRA(cond, ...) do { \
	if (cond) { \
		if (extra.len) \
			strbuf_addstr(&extra, ", "); \
		strbuf_addf(&extra, __VA_ARGS__); \
	} \
} while (0)
	EXTRA(n->expected, "%d expected by the baseline", n->expected);
	EXTRA(n->errors, "%d error%s", n->errors, n->errors == 1 ? "" : "s");
	EXTRA(n->timeouts, "%d timed out", n->timeouts);
	EXTRA(n->crashed, "%d crashed", n->crashed);
	EXTRA(n->flaky, "%d flaky", n->flaky);
	EXTRA(n->late, "%d late: tcpconform missed its own schedule, no verdict", n->late);
	EXTRA(n->not_run, "%d not run", n->not_run);
#undef EXTRA
	fprintf(f, "%d passed, %d failed, %d skipped", n->passed, n->failed, n->skipped);
	if (extra.len)
		fprintf(f, " (%s)", extra.buf);
	fputc('\n', f);
	strbuf_release(&extra);
}

void tc_report_summary(FILE *f, const struct tc_suite *s,
		       const struct tc_report_info *info)
{
	struct tc_counts n;
	bool head;

	tc_report_count(s, &n);
	fputc('\n', f);
	matrix(f, s);

	for (int expected = 0; expected < 2; expected++) {
		head = false;
		for (int i = 0; i < s->n_cases; i++) {
			const struct tc_case *c = &s->cases[i];

			if (!is_failure(c->outcome) || (c->judgement == TC_BL_SAME) != expected)
				continue;
			if (!head) {
				fprintf(f, expected ? "\nexpected by the baseline:\n" :
					"\nfailures:\n");
				head = true;
			}
			fprintf(f, "  %s [%s]: %s", s->scripts[c->script], profile_of(s, c),
				tc_outcome_name(c->outcome));
			if (expected)
				fprintf(f, " (%s)", c->bl_reason ? c->bl_reason : "no reason given");
			fprintf(f, "\n    %s\n", c->message ? c->message : "(no message)");
			if (c->cause)
				fprintf(f, "    %s under %s because of %s (%s under the kernel's defaults)\n",
					tc_outcome_name(c->outcome), s->profiles[s->columns[c->column].profile]->name,
					c->cause, tc_outcome_name(c->ref_outcome));
		}
	}
	head = false;
	for (int i = 0; i < s->n_cases; i++) {
		const struct tc_case *c = &s->cases[i];

		if (!c->cause)
			continue;
		if (!head) {
			fprintf(f, "\nchanged by a setting (against the kernel's defaults):\n");
			head = true;
		}
		fprintf(f, "  %s [%s]: %s, %s under the defaults, because of %s\n",
			s->scripts[c->script], profile_of(s, c), tc_outcome_name(c->outcome),
			tc_outcome_name(c->ref_outcome), c->cause);
	}
	head = false;
	for (int i = 0; i < s->n_cases; i++) {
		const struct tc_case *c = &s->cases[i];

		if (c->outcome != TC_OUT_SKIP || !c->message ||
		    !strstr(c->message, ": not applicable: "))
			continue;
		if (!head) {
			fprintf(f, "\nnot applicable (a Requires: line does not hold; no verdict):\n");
			head = true;
		}
		fprintf(f, "  %s [%s]: %s\n", s->scripts[c->script], profile_of(s, c),
			strstr(c->message, ": not applicable: ") + strlen(": not applicable: "));
	}
	head = false;
	for (int i = 0; i < s->n_cases; i++) {
		const struct tc_case *c = &s->cases[i];

		if (c->outcome != TC_OUT_LATE)
			continue;
		if (!head) {
			fprintf(f, "\nlate (no verdict: tcpconform was late in each of its attempts):\n");
			head = true;
		}
		fprintf(f, "  %s [%s]: %d attempts\n    %s\n", s->scripts[c->script],
			profile_of(s, c), c->attempts, c->message ? c->message : "(no message)");
	}
	head = false;
	for (int i = 0; i < s->n_cases; i++) {
		const struct tc_case *c = &s->cases[i];

		if (!c->flaky)
			continue;
		if (!head) {
			fprintf(f, "\nflaky (passed on a retry):\n");
			head = true;
		}
		fprintf(f, "  %s [%s]: passed on attempt %d; first: %s\n",
			s->scripts[c->script], profile_of(s, c), c->attempts,
			c->flaky_message ? c->flaky_message : "(no message)");
	}
	if (info->baseline_file) {
		fprintf(f, "\nbaseline %s (kernel %s; now %s): %d difference%s\n",
			info->baseline_file,
			info->baseline_kernel ? info->baseline_kernel : "unknown",
			s->kernel_release, n.differ, n.differ == 1 ? "" : "s");
		/* What else changed under the scripts, when both sides know. */
		if (info->baseline_config && s->config_sha256[0] &&
		    strcmp(info->baseline_config + strlen("sha256:"), s->config_sha256))
			fprintf(f, "  kernel config: %.19s -> sha256:%.12s\n",
				info->baseline_config, s->config_sha256);
		if (strcmp(info->baseline_accel ? info->baseline_accel : "", s->accel))
			fprintf(f, "  accelerator: %s -> %s\n",
				info->baseline_accel ? info->baseline_accel : "native",
				s->accel[0] ? s->accel : "native");
		for (int i = 0; info->settings && i < s->n_profiles; i++) {
			const struct tc_settings_diff *d = &info->settings[i];

			for (int k = 0; k < d->n; k++) {
				const struct tc_setting_change *ch = &d->changes[k];

				fprintf(f, "  profile %s: %s ", s->profiles[i]->name, ch->key);
				if (!ch->was)
					fprintf(f, "added (%s)\n", ch->now);
				else if (!ch->now)
					fprintf(f, "removed (was %s)\n", ch->was);
				else
					fprintf(f, "%s -> %s\n", ch->was, ch->now);
			}
		}
		for (int i = 0; i < s->n_cases; i++) {
			const struct tc_case *c = &s->cases[i];
			int pi = s->columns[c->column].profile;

			if (c->judgement != TC_BL_DIFF)
				continue;
			fprintf(f, "  %s [%s]: %s -> %s", s->scripts[c->script],
				profile_of(s, c),
				c->bl_outcome >= 0 ? tc_outcome_name(c->bl_outcome) : "none",
				tc_outcome_name(c->outcome));
			if (c->bl_outcome < 0)
				fprintf(f, " (not in the baseline)");
			else if (c->bl_reason && c->outcome == TC_OUT_PASS)
				fprintf(f, " (recorded reason: %s)", c->bl_reason);
			else if (c->crashed && c->bl_outcome == (int)c->outcome)
				fprintf(f, " (a crash is never expected)");
			if (c->message)
				fprintf(f, ": %s", c->message);
			/* Say so when the profile is not what it was. */
			if (info->settings && info->settings[pi].n) {
				fprintf(f, " (settings of %s changed since the baseline: ",
					s->profiles[pi]->name);
				for (int k = 0; k < info->settings[pi].n; k++)
					fprintf(f, "%s%s", k ? ", " : "",
						info->settings[pi].changes[k].key);
				fputc(')', f);
			}
			fputc('\n', f);
		}
	}
	fputc('\n', f);
	if (s->interrupted)
		fprintf(f, "interrupted: %d of %d runs not done\n", n.not_run, s->n_cases);
	if (s->shard_n > 1)
		fprintf(f, "shard %d/%d: %d of %d runs\n", s->shard_k, s->shard_n,
			s->n_cases, s->n_total);
	fprintf(f, "%d script%s x %d profile%s in %.1f s, %d at a time, kernel %s%s%s\n",
		s->n_scripts, s->n_scripts == 1 ? "" : "s", s->n_columns,
		s->n_columns == 1 ? "" : "s", s->seconds, info->jobs, s->kernel_release,
		s->accel[0] ? " under " : "", s->accel);
	if (s->attrib_runs)
		fprintf(f, "finding the settings behind changed outcomes took %d extra run%s, %.1f s\n",
			s->attrib_runs, s->attrib_runs == 1 ? "" : "s", s->attrib_seconds);
	summary_line(f, &n);
}

/* ---- TAP ------------------------------------------------------------ */

void tc_report_tap_plan(FILE *f, int n)
{
	fprintf(f, "TAP version 13\n1..%d\n", n);
	fflush(f);
}

/* Text for a directive or description: one line, no '#'. */
static void tap_text(FILE *f, const char *s)
{
	for (; s && *s && *s != '\n'; s++)
		fputc(*s == '#' ? '_' : *s, f);
}

static void tap_diag(FILE *f, const char *text, int max_lines)
{
	int lines = 0;

	while (text && *text && lines < max_lines) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);

		fprintf(f, "# %.*s\n", (int)n, text);
		lines++;
		text += n + (nl != NULL);
	}
}

void tc_report_tap_case(FILE *f, const struct tc_suite *s, const struct tc_case *c,
			int k)
{
	enum tc_label label = tc_case_label(c);
	bool ok = c->outcome == TC_OUT_PASS || c->outcome == TC_OUT_SKIP ||
		  c->outcome == TC_OUT_LATE || c->judgement == TC_BL_SAME;

	if (c->judgement == TC_BL_DIFF || c->crashed)
		ok = false;
	fprintf(f, "%s %d %s [%s]", ok ? "ok" : "not ok", k, s->scripts[c->script],
		profile_of(s, c));
	if (c->outcome == TC_OUT_SKIP || c->outcome == TC_OUT_LATE) {
		fputs(c->outcome == TC_OUT_LATE ? " # SKIP no verdict: " : " # SKIP ", f);
		tap_text(f, c->message);
	} else if (label == TC_LABEL_XFAIL) {
		fputs(" # XFAIL ", f);
		tap_text(f, c->bl_reason ? c->bl_reason : tc_outcome_name(c->outcome));
	}
	fputc('\n', f);
	if (c->outcome == TC_OUT_PASS && c->flaky) {
		fprintf(f, "# flaky: passed on attempt %d; first: ", c->attempts);
		tap_text(f, c->flaky_message);
		fputc('\n', f);
	}
	if (c->judgement == TC_BL_DIFF)
		fprintf(f, "# baseline: %s, now: %s\n",
			c->bl_outcome >= 0 ? tc_outcome_name(c->bl_outcome) : "none",
			tc_outcome_name(c->outcome));
	if (!ok || label == TC_LABEL_XFAIL) {
		if (c->output.len)
			tap_diag(f, c->output.buf, 40);
		else if (c->message)
			tap_diag(f, c->message, 1);
	}
	fflush(f);
}

void tc_report_tap_bail(FILE *f, const char *why)
{
	fprintf(f, "Bail out! %s\n", why);
	fflush(f);
}

/* ---- escaping ------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static int utf8_len(const unsigned char *s)
{
	int n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/*
 * Write s, passing valid UTF-8 sequences through as they are, writing
 * invalid for a byte that starts none, and handing every ASCII byte to
 * ascii, which escapes it for the format at hand.
 */
static void put_text(FILE *f, const char *s, const char *invalid,
		     void (*ascii)(FILE *f, unsigned char c))
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = utf8_len(p);

		if (!n) {
			fputs(invalid, f);
			p++;
		} else if (n > 1) {
			fwrite(p, 1, (size_t)n, f);
			p += n;
		} else {
			ascii(f, *p++);
		}
	}
}

static void xml_ascii(FILE *f, unsigned char c)
{
	switch (c) {
	case '&': fputs("&amp;", f); break;
	case '<': fputs("&lt;", f); break;
	case '>': fputs("&gt;", f); break;
	case '"': fputs("&quot;", f); break;
	case '\'': fputs("&apos;", f); break;
	default:
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			fputc('?', f);
		else
			fputc(c, f);
	}
}

static void xml(FILE *f, const char *s)
{
	put_text(f, s ? s : "", "?", xml_ascii);
}

static void json_ascii(FILE *f, unsigned char c)
{
	switch (c) {
	case '"': fputs("\\\"", f); break;
	case '\\': fputs("\\\\", f); break;
	case '\n': fputs("\\n", f); break;
	case '\t': fputs("\\t", f); break;
	case '\r': fputs("\\r", f); break;
	default:
		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

/* A JSON string, quotes included; null for NULL. */
static void js(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	put_text(f, s, "\\ufffd", json_ascii);
	fputc('"', f);
}

static void iso_time(const struct timespec *t, char *buf, size_t size)
{
	struct tm tm;
	time_t sec = t->tv_sec;

	gmtime_r(&sec, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* ---- JUnit ---------------------------------------------------------- */

/* JUnit's counts for one column (col >= 0) or all (col < 0). */
struct junit_counts {
	int tests, failures, errors, skipped;
	double secs;
};

static void junit_count(const struct tc_suite *s, int col, struct junit_counts *n)
{
	memset(n, 0, sizeof(*n));
	for (int i = 0; i < s->n_cases; i++) {
		const struct tc_case *c = &s->cases[i];
		enum tc_label l = tc_case_label(c);

		if (col >= 0 && c->column != col)
			continue;
		n->tests++;
		n->secs += c->seconds;
		if (l == TC_LABEL_ERROR || l == TC_LABEL_TIMEOUT)
			n->errors++;
		else if (l == TC_LABEL_FAIL || c->judgement == TC_BL_DIFF)
			n->failures++;
		else if (l == TC_LABEL_SKIP || l == TC_LABEL_XFAIL || l == TC_LABEL_NOT_RUN ||
			 l == TC_LABEL_LATE)
			n->skipped++;
	}
}

void tc_report_junit(FILE *f, const struct tc_suite *s,
		     const struct tc_report_info *info)
{
	struct junit_counts all;
	char host[256] = "localhost", when[64];

	(void)info;
	gethostname(host, sizeof(host) - 1);
	iso_time(&s->started, when, sizeof(when));
	junit_count(s, -1, &all);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"tcpconform\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
		all.tests, all.failures, all.errors, all.skipped, s->seconds);
	for (int col = 0; col < s->n_columns; col++) {
		const struct tc_profile *p = s->profiles[s->columns[col].profile];
		struct junit_counts n;

		junit_count(s, col, &n);
		fprintf(f, "  <testsuite name=\"");
		xml(f, s->columns[col].label);
		fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\" timestamp=\"%s\" hostname=\"",
			n.tests, n.failures, n.errors, n.skipped, n.secs, when);
		xml(f, host);
		fprintf(f, "\">\n    <properties>\n");
		fprintf(f, "      <property name=\"kernel.release\" value=\"");
		xml(f, s->kernel_release);
		if (s->config_sha256[0])
			fprintf(f, "\"/>\n      <property name=\"kernel.config.sha256\" value=\"%s",
				s->config_sha256);
		if (s->accel[0])
			fprintf(f, "\"/>\n      <property name=\"kernel.accelerator\" value=\"%s",
				s->accel);
		if (s->timing_note[0]) {
			fprintf(f, "\"/>\n      <property name=\"timing.note\" value=\"");
			xml(f, s->timing_note);
		}
		fprintf(f, "\"/>\n      <property name=\"profile.file\" value=\"");
		xml(f, p->file ? p->file : "");
		fprintf(f, "\"/>\n");
		for (int k = 0; k < p->n_sysctls; k++) {
			fprintf(f, "      <property name=\"");
			xml(f, p->sysctls[k].key);
			fprintf(f, "\" value=\"");
			xml(f, p->sysctls[k].value);
			fprintf(f, "\"/>\n");
		}
		fprintf(f, "    </properties>\n");
		for (int i = 0; i < s->n_cases; i++) {
			const struct tc_case *c = &s->cases[i];
			enum tc_label l = tc_case_label(c);

			if (c->column != col)
				continue;
			fprintf(f, "    <testcase name=\"");
			xml(f, s->scripts[c->script]);
			fprintf(f, "\" classname=\"");
			xml(f, s->columns[col].label);
			fprintf(f, "\" time=\"%.3f\"", c->seconds);
			if (l == TC_LABEL_PASS && c->judgement != TC_BL_DIFF && !c->output.len) {
				fprintf(f, "/>\n");
				continue;
			}
			fprintf(f, ">\n");
			if (l == TC_LABEL_SKIP || l == TC_LABEL_NOT_RUN || l == TC_LABEL_XFAIL ||
			    l == TC_LABEL_LATE) {
				fprintf(f, "      <skipped message=\"");
				if (l == TC_LABEL_NOT_RUN)
					xml(f, "not run: interrupted");
				else if (l == TC_LABEL_SKIP || l == TC_LABEL_LATE)
					xml(f, c->message);
				else {
					fprintf(f, "expected %s (baseline): ", tc_outcome_name(c->outcome));
					xml(f, c->bl_reason ? c->bl_reason : "no reason given");
				}
				fprintf(f, "\"/>\n");
			} else if (l == TC_LABEL_ERROR || l == TC_LABEL_TIMEOUT) {
				fprintf(f, "      <error message=\"");
				xml(f, c->message);
				fprintf(f, "\" type=\"%s\">", c->crashed ? "crash" : tc_label_name(l));
				xml(f, c->output.buf);
				fprintf(f, "</error>\n");
			} else if (l == TC_LABEL_FAIL || c->judgement == TC_BL_DIFF) {
				fprintf(f, "      <failure message=\"");
				if (l == TC_LABEL_FAIL) {
					xml(f, c->message);
					if (c->cause) {
						fprintf(f, " [because of ");
						xml(f, c->cause);
						fprintf(f, "]");
					}
				} else
					fprintf(f, "%s, but the baseline expects %s", tc_label_name(l),
						c->bl_outcome >= 0 ? tc_outcome_name(c->bl_outcome) : "nothing (not in the baseline)");
				fprintf(f, "\" type=\"%s\">", tc_label_name(l));
				xml(f, c->output.buf);
				fprintf(f, "</failure>\n");
			}
			if (c->flaky) {
				fprintf(f, "      <system-out>flaky: passed on attempt %d; first: ",
					c->attempts);
				xml(f, c->flaky_message);
				fprintf(f, "</system-out>\n");
			}
			if (c->output.len && (l == TC_LABEL_PASS || l == TC_LABEL_FLAKY ||
					      l == TC_LABEL_XFAIL || l == TC_LABEL_SKIP ||
					      l == TC_LABEL_LATE)) {
				fprintf(f, "      <system-err>");
				xml(f, c->output.buf);
				fprintf(f, "</system-err>\n");
			}
			fprintf(f, "    </testcase>\n");
		}
		fprintf(f, "  </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
}

/* ---- JSON ----------------------------------------------------------- */

void tc_report_json(FILE *f, const struct tc_suite *s,
		    const struct tc_report_info *info)
{
	struct tc_counts n;
	char when[64];

	tc_report_count(s, &n);
	iso_time(&s->started, when, sizeof(when));
	fprintf(f, "{\n  \"tool\": \"tcpconform\",\n  \"version\": ");
	js(f, info->version);
	fprintf(f, ",\n  \"command\": [");
	for (int i = 0; i < info->argc; i++) {
		fputs(i ? ", " : "", f);
		js(f, info->argv[i]);
	}
	fprintf(f, "],\n  \"kernel\": {\"release\": ");
	js(f, s->kernel_release);
	fprintf(f, ", \"version\": ");
	js(f, s->kernel_version);
	fprintf(f, ", \"machine\": ");
	js(f, s->machine);
	fprintf(f, ", \"config_sha256\": ");
	js(f, s->config_sha256[0] ? s->config_sha256 : NULL);
	fprintf(f, ", \"accelerator\": ");
	js(f, s->accel[0] ? s->accel : NULL);
	fprintf(f, "},\n  \"timing_note\": ");
	js(f, s->timing_note[0] ? s->timing_note : NULL);
	fprintf(f, ",\n  \"started\": \"%sZ\",\n  \"seconds\": %.3f,\n", when, s->seconds);
	fprintf(f, "  \"jobs\": %d,\n  \"timeout_s\": %d,\n  \"retries\": %d,\n",
		info->jobs, info->timeout_s, info->retries);
	fprintf(f, "  \"attribution\": {\"runs\": %d, \"seconds\": %.3f},\n",
		s->attrib_runs, s->attrib_seconds);
	fprintf(f, "  \"shard\": {\"k\": %d, \"n\": %d, \"cases\": %d, \"total\": %d},\n",
		s->shard_k, s->shard_n, s->n_cases, s->n_total);
	fprintf(f, "  \"interrupted\": %s,\n  \"baseline\": ", s->interrupted ? "true" : "false");
	if (info->baseline_file) {
		fprintf(f, "{\"file\": ");
		js(f, info->baseline_file);
		fprintf(f, ", \"kernel\": ");
		js(f, info->baseline_kernel);
		fprintf(f, ", \"config\": ");
		js(f, info->baseline_config);
		fprintf(f, ", \"accelerator\": ");
		js(f, info->baseline_accel);
		/* Per profile of the run: whether the baseline records its
		 * settings, and each one changed since ("was" null: added;
		 * "now" null: removed). */
		fprintf(f, ", \"settings\": [");
		for (int i = 0; info->settings && i < s->n_profiles; i++) {
			const struct tc_settings_diff *d = &info->settings[i];

			fprintf(f, "%s{\"profile\": ", i ? ", " : "");
			js(f, s->profiles[i]->name);
			fprintf(f, ", \"recorded\": %s, \"changes\": [",
				d->recorded ? "true" : "false");
			for (int k = 0; k < d->n; k++) {
				fprintf(f, "%s{\"key\": ", k ? ", " : "");
				js(f, d->changes[k].key);
				fprintf(f, ", \"was\": ");
				js(f, d->changes[k].was);
				fprintf(f, ", \"now\": ");
				js(f, d->changes[k].now);
				fputc('}', f);
			}
			fprintf(f, "]}");
		}
		fprintf(f, "], \"differences\": %d}", n.differ);
	} else {
		fputs("null", f);
	}
	fprintf(f, ",\n  \"profiles\": [");
	for (int i = 0; i < s->n_profiles; i++) {
		const struct tc_profile *p = s->profiles[i];

		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		js(f, p->name);
		fprintf(f, ", \"file\": ");
		js(f, p->file);
		fprintf(f, ", \"sysctls\": [");
		for (int k = 0; k < p->n_sysctls; k++) {
			fprintf(f, "%s{\"key\": ", k ? ", " : "");
			js(f, p->sysctls[k].key);
			fprintf(f, ", \"value\": ");
			js(f, p->sysctls[k].value);
			fprintf(f, ", \"line\": %d}", p->sysctls[k].line);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "\n  ],\n  \"results\": [");
	for (int i = 0; i < s->n_cases; i++) {
		const struct tc_case *c = &s->cases[i];
		const struct tc_column *col = &s->columns[c->column];

		fprintf(f, "%s\n    {\"number\": %d, \"script\": ", i ? "," : "", c->number);
		js(f, s->scripts[c->script]);
		fprintf(f, ", \"profile\": ");
		js(f, col->label);
		fprintf(f, ", \"ip_version\": %d, \"outcome\": ", col->ip_version);
		js(f, tc_outcome_name(c->outcome));
		fprintf(f, ", \"label\": ");
		js(f, tc_label_name(tc_case_label(c)));
		fprintf(f, ", \"exit_code\": %d, \"crashed\": %s, \"flaky\": %s, \"attempts\": %d, \"late_attempts\": %d",
			c->exit_code, c->crashed ? "true" : "false", c->flaky ? "true" : "false",
			c->attempts, c->late_attempts);
		fprintf(f, ", \"started_s\": %.3f, \"seconds\": %.3f, \"message\": ",
			c->started, c->seconds);
		js(f, c->message);
		fprintf(f, ", \"first_attempt_message\": ");
		js(f, c->flaky_message);
		fprintf(f, ", \"pcap\": ");
		js(f, c->pcap);
		fprintf(f, ", \"reference_outcome\": ");
		js(f, c->ref_outcome > 0 ? tc_outcome_name(c->ref_outcome) : NULL);
		fprintf(f, ", \"cause\": ");
		js(f, c->cause);
		fprintf(f, ", \"baseline\": ");
		if (c->judgement == TC_BL_NONE) {
			fputs("null", f);
		} else {
			fprintf(f, "{\"outcome\": ");
			js(f, c->bl_outcome >= 0 ? tc_outcome_name(c->bl_outcome) : NULL);
			fprintf(f, ", \"reason\": ");
			js(f, c->bl_reason);
			fprintf(f, ", \"same\": %s}", c->judgement == TC_BL_SAME ? "true" : "false");
		}
		fprintf(f, ", \"output\": ");
		js(f, c->output.buf);
		fputc('}', f);
	}
	fprintf(f, "\n  ],\n  \"summary\": {\"passed\": %d, \"failed\": %d, \"skipped\": %d, "
		"\"not_run\": %d, \"errors\": %d, \"timeouts\": %d, \"crashed\": %d, "
		"\"flaky\": %d, \"late\": %d, \"expected_failures\": %d, \"baseline_differences\": %d}\n}\n",
		n.passed, n.failed, n.skipped, n.not_run, n.errors, n.timeouts, n.crashed,
		n.flaky, n.late, n.expected, n.differ);
}
