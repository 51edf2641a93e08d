/* report.c: see report.h. */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "profile.h"
#include "strbuf.h"
#include "writer.h"

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

/* <property name="NAME" value="VALUE"/> */
static void property(struct tc_xml *x, const char *name, const char *value)
{
	tc_xml_start(x, "property");
	tc_xml_attr(x, "name", name);
	tc_xml_attr(x, "value", value);
	tc_xml_end(x);
}

void tc_report_junit(FILE *f, const struct tc_suite *s,
		     const struct tc_report_info *info)
{
	struct junit_counts all;
	char host[256] = "localhost", when[64];
	struct tc_xml x;

	(void)info;
	gethostname(host, sizeof(host) - 1);
	iso_time(&s->started, when, sizeof(when));
	junit_count(s, -1, &all);
	tc_xml_init(&x, f);
	tc_xml_start(&x, "testsuites");
	tc_xml_attr(&x, "name", "tcpconform");
	tc_xml_attrf(&x, "tests", "%d", all.tests);
	tc_xml_attrf(&x, "failures", "%d", all.failures);
	tc_xml_attrf(&x, "errors", "%d", all.errors);
	tc_xml_attrf(&x, "skipped", "%d", all.skipped);
	tc_xml_attrf(&x, "time", "%.3f", s->seconds);
	for (int col = 0; col < s->n_columns; col++) {
		const struct tc_profile *p = s->profiles[s->columns[col].profile];
		struct junit_counts n;

		junit_count(s, col, &n);
		tc_xml_start(&x, "testsuite");
		tc_xml_attr(&x, "name", s->columns[col].label);
		tc_xml_attrf(&x, "tests", "%d", n.tests);
		tc_xml_attrf(&x, "failures", "%d", n.failures);
		tc_xml_attrf(&x, "errors", "%d", n.errors);
		tc_xml_attrf(&x, "skipped", "%d", n.skipped);
		tc_xml_attrf(&x, "time", "%.3f", n.secs);
		tc_xml_attr(&x, "timestamp", when);
		tc_xml_attr(&x, "hostname", host);
		tc_xml_start(&x, "properties");
		property(&x, "kernel.release", s->kernel_release);
		if (s->config_sha256[0])
			property(&x, "kernel.config.sha256", s->config_sha256);
		if (s->accel[0])
			property(&x, "kernel.accelerator", s->accel);
		if (s->timing_note[0])
			property(&x, "timing.note", s->timing_note);
		property(&x, "profile.file", p->file ? p->file : "");
		for (int k = 0; k < p->n_sysctls; k++)
			property(&x, p->sysctls[k].key, p->sysctls[k].value);
		tc_xml_end(&x);
		for (int i = 0; i < s->n_cases; i++) {
			const struct tc_case *c = &s->cases[i];
			enum tc_label l = tc_case_label(c);
			struct strbuf msg = STRBUF_INIT;

			if (c->column != col)
				continue;
			tc_xml_start(&x, "testcase");
			tc_xml_attr(&x, "name", s->scripts[c->script]);
			tc_xml_attr(&x, "classname", s->columns[col].label);
			tc_xml_attrf(&x, "time", "%.3f", c->seconds);
			if (l == TC_LABEL_PASS && c->judgement != TC_BL_DIFF && !c->output.len) {
				tc_xml_end(&x);
				continue;
			}
			if (l == TC_LABEL_SKIP || l == TC_LABEL_NOT_RUN || l == TC_LABEL_XFAIL ||
			    l == TC_LABEL_LATE) {
				if (l == TC_LABEL_NOT_RUN)
					strbuf_addstr(&msg, "not run: interrupted");
				else if (l == TC_LABEL_SKIP || l == TC_LABEL_LATE)
					strbuf_addstr(&msg, c->message ? c->message : "");
				else
					strbuf_addf(&msg, "expected %s (baseline): %s",
						    tc_outcome_name(c->outcome),
						    c->bl_reason ? c->bl_reason : "no reason given");
				tc_xml_start(&x, "skipped");
				tc_xml_attr(&x, "message", msg.buf);
				tc_xml_end(&x);
			} else if (l == TC_LABEL_ERROR || l == TC_LABEL_TIMEOUT) {
				tc_xml_start(&x, "error");
				tc_xml_attr(&x, "message", c->message);
				tc_xml_attr(&x, "type", c->crashed ? "crash" : tc_label_name(l));
				tc_xml_text(&x, c->output.buf);
				tc_xml_end(&x);
			} else if (l == TC_LABEL_FAIL || c->judgement == TC_BL_DIFF) {
				if (l == TC_LABEL_FAIL) {
					strbuf_addstr(&msg, c->message ? c->message : "");
					if (c->cause)
						strbuf_addf(&msg, " [because of %s]", c->cause);
				} else {
					strbuf_addf(&msg, "%s, but the baseline expects %s",
						    tc_label_name(l),
						    c->bl_outcome >= 0 ? tc_outcome_name(c->bl_outcome) :
						    "nothing (not in the baseline)");
				}
				tc_xml_start(&x, "failure");
				tc_xml_attr(&x, "message", msg.buf);
				tc_xml_attr(&x, "type", tc_label_name(l));
				tc_xml_text(&x, c->output.buf);
				tc_xml_end(&x);
			}
			strbuf_release(&msg);
			if (c->flaky) {
				strbuf_addf(&msg, "flaky: passed on attempt %d; first: %s", c->attempts,
					    c->flaky_message ? c->flaky_message : "");
				tc_xml_start(&x, "system-out");
				tc_xml_text(&x, msg.buf);
				tc_xml_end(&x);
				strbuf_release(&msg);
			}
			if (c->output.len && (l == TC_LABEL_PASS || l == TC_LABEL_FLAKY ||
					      l == TC_LABEL_XFAIL || l == TC_LABEL_SKIP ||
					      l == TC_LABEL_LATE)) {
				tc_xml_start(&x, "system-err");
				tc_xml_text(&x, c->output.buf);
				tc_xml_end(&x);
			}
			tc_xml_end(&x);
		}
		tc_xml_end(&x);
	}
	tc_xml_end(&x);
}

/* ---- JSON ----------------------------------------------------------- */

/* A column's IP version in the JSON report: "ipv4", "ipv6",
 * "ipv4-mapped-ipv6", or "script" when no column option set one (each
 * script ran as its own --ip_version line says, ipv4 without one). */
static const char *ip_version_json(int v)
{
	const char *name = tc_ip_version_name(v);

	return name ? name : "script";
}

void tc_report_json(FILE *f, const struct tc_suite *s,
		    const struct tc_report_info *info)
{
	struct tc_counts n;
	struct tc_json j;
	char when[64];

	tc_report_count(s, &n);
	iso_time(&s->started, when, sizeof(when));
	strcat(when, "Z");
	tc_json_init(&j, f);
	tc_json_object(&j, true);
	tc_json_key(&j, "tool");
	tc_json_str(&j, "tcpconform");
	tc_json_key(&j, "version");
	tc_json_str(&j, info->version);
	tc_json_key(&j, "command");
	tc_json_array(&j, false);
	for (int i = 0; i < info->argc; i++)
		tc_json_str(&j, info->argv[i]);
	tc_json_end(&j);
	tc_json_key(&j, "kernel");
	tc_json_object(&j, false);
	tc_json_key(&j, "release");
	tc_json_str(&j, s->kernel_release);
	tc_json_key(&j, "version");
	tc_json_str(&j, s->kernel_version);
	tc_json_key(&j, "machine");
	tc_json_str(&j, s->machine);
	tc_json_key(&j, "config_sha256");
	tc_json_str(&j, s->config_sha256[0] ? s->config_sha256 : NULL);
	tc_json_key(&j, "accelerator");
	tc_json_str(&j, s->accel[0] ? s->accel : NULL);
	tc_json_end(&j);
	tc_json_key(&j, "timing_note");
	tc_json_str(&j, s->timing_note[0] ? s->timing_note : NULL);
	tc_json_key(&j, "started");
	tc_json_str(&j, when);
	tc_json_key(&j, "seconds");
	tc_json_num(&j, "%.3f", s->seconds);
	tc_json_key(&j, "jobs");
	tc_json_num(&j, "%d", info->jobs);
	tc_json_key(&j, "timeout_s");
	tc_json_num(&j, "%d", info->timeout_s);
	tc_json_key(&j, "retries");
	tc_json_num(&j, "%d", info->retries);
	tc_json_key(&j, "attribution");
	tc_json_object(&j, false);
	tc_json_key(&j, "runs");
	tc_json_num(&j, "%d", s->attrib_runs);
	tc_json_key(&j, "seconds");
	tc_json_num(&j, "%.3f", s->attrib_seconds);
	tc_json_end(&j);
	tc_json_key(&j, "shard");
	tc_json_object(&j, false);
	tc_json_key(&j, "k");
	tc_json_num(&j, "%d", s->shard_k);
	tc_json_key(&j, "n");
	tc_json_num(&j, "%d", s->shard_n);
	tc_json_key(&j, "cases");
	tc_json_num(&j, "%d", s->n_cases);
	tc_json_key(&j, "total");
	tc_json_num(&j, "%d", s->n_total);
	tc_json_end(&j);
	tc_json_key(&j, "interrupted");
	tc_json_bool(&j, s->interrupted);
	tc_json_key(&j, "baseline");
	if (info->baseline_file) {
		tc_json_object(&j, false);
		tc_json_key(&j, "file");
		tc_json_str(&j, info->baseline_file);
		tc_json_key(&j, "kernel");
		tc_json_str(&j, info->baseline_kernel);
		tc_json_key(&j, "config");
		tc_json_str(&j, info->baseline_config);
		tc_json_key(&j, "accelerator");
		tc_json_str(&j, info->baseline_accel);
		/* Per profile of the run: whether the baseline records its
		 * settings, and each one changed since ("was" null: added;
		 * "now" null: removed). */
		tc_json_key(&j, "settings");
		tc_json_array(&j, false);
		for (int i = 0; info->settings && i < s->n_profiles; i++) {
			const struct tc_settings_diff *d = &info->settings[i];

			tc_json_object(&j, false);
			tc_json_key(&j, "profile");
			tc_json_str(&j, s->profiles[i]->name);
			tc_json_key(&j, "recorded");
			tc_json_bool(&j, d->recorded);
			tc_json_key(&j, "changes");
			tc_json_array(&j, false);
			for (int k = 0; k < d->n; k++) {
				tc_json_object(&j, false);
				tc_json_key(&j, "key");
				tc_json_str(&j, d->changes[k].key);
				tc_json_key(&j, "was");
				tc_json_str(&j, d->changes[k].was);
				tc_json_key(&j, "now");
				tc_json_str(&j, d->changes[k].now);
				tc_json_end(&j);
			}
			tc_json_end(&j);
			tc_json_end(&j);
		}
		tc_json_end(&j);
		tc_json_key(&j, "differences");
		tc_json_num(&j, "%d", n.differ);
		tc_json_end(&j);
	} else {
		tc_json_null(&j);
	}
	tc_json_key(&j, "profiles");
	tc_json_array(&j, true);
	for (int i = 0; i < s->n_profiles; i++) {
		const struct tc_profile *p = s->profiles[i];

		tc_json_object(&j, false);
		tc_json_key(&j, "name");
		tc_json_str(&j, p->name);
		tc_json_key(&j, "file");
		tc_json_str(&j, p->file);
		tc_json_key(&j, "sysctls");
		tc_json_array(&j, false);
		for (int k = 0; k < p->n_sysctls; k++) {
			tc_json_object(&j, false);
			tc_json_key(&j, "key");
			tc_json_str(&j, p->sysctls[k].key);
			tc_json_key(&j, "value");
			tc_json_str(&j, p->sysctls[k].value);
			tc_json_key(&j, "line");
			tc_json_num(&j, "%d", p->sysctls[k].line);
			tc_json_end(&j);
		}
		tc_json_end(&j);
		tc_json_end(&j);
	}
	tc_json_end(&j);
	tc_json_key(&j, "results");
	tc_json_array(&j, true);
	for (int i = 0; i < s->n_cases; i++) {
		const struct tc_case *c = &s->cases[i];
		const struct tc_column *col = &s->columns[c->column];

		tc_json_object(&j, false);
		tc_json_key(&j, "number");
		tc_json_num(&j, "%d", c->number);
		tc_json_key(&j, "script");
		tc_json_str(&j, s->scripts[c->script]);
		tc_json_key(&j, "profile");
		tc_json_str(&j, col->label);
		tc_json_key(&j, "ip_version");
		tc_json_str(&j, ip_version_json(col->ip_version));
		tc_json_key(&j, "outcome");
		tc_json_str(&j, tc_outcome_name(c->outcome));
		tc_json_key(&j, "label");
		tc_json_str(&j, tc_label_name(tc_case_label(c)));
		tc_json_key(&j, "exit_code");
		tc_json_num(&j, "%d", c->exit_code);
		tc_json_key(&j, "crashed");
		tc_json_bool(&j, c->crashed);
		tc_json_key(&j, "flaky");
		tc_json_bool(&j, c->flaky);
		tc_json_key(&j, "attempts");
		tc_json_num(&j, "%d", c->attempts);
		tc_json_key(&j, "late_attempts");
		tc_json_num(&j, "%d", c->late_attempts);
		tc_json_key(&j, "started_s");
		tc_json_num(&j, "%.3f", c->started);
		tc_json_key(&j, "seconds");
		tc_json_num(&j, "%.3f", c->seconds);
		tc_json_key(&j, "message");
		tc_json_str(&j, c->message);
		tc_json_key(&j, "first_attempt_message");
		tc_json_str(&j, c->flaky_message);
		tc_json_key(&j, "pcap");
		tc_json_str(&j, c->pcap);
		tc_json_key(&j, "reference_outcome");
		tc_json_str(&j, c->ref_outcome > 0 ? tc_outcome_name(c->ref_outcome) : NULL);
		tc_json_key(&j, "cause");
		tc_json_str(&j, c->cause);
		tc_json_key(&j, "baseline");
		if (c->judgement == TC_BL_NONE) {
			tc_json_null(&j);
		} else {
			tc_json_object(&j, false);
			tc_json_key(&j, "outcome");
			tc_json_str(&j, c->bl_outcome >= 0 ? tc_outcome_name(c->bl_outcome) : NULL);
			tc_json_key(&j, "reason");
			tc_json_str(&j, c->bl_reason);
			tc_json_key(&j, "same");
			tc_json_bool(&j, c->judgement == TC_BL_SAME);
			tc_json_end(&j);
		}
		tc_json_key(&j, "output");
		tc_json_str(&j, c->output.buf);
		tc_json_end(&j);
	}
	tc_json_end(&j);
	tc_json_key(&j, "summary");
	tc_json_object(&j, false);
	tc_json_key(&j, "passed");
	tc_json_num(&j, "%d", n.passed);
	tc_json_key(&j, "failed");
	tc_json_num(&j, "%d", n.failed);
	tc_json_key(&j, "skipped");
	tc_json_num(&j, "%d", n.skipped);
	tc_json_key(&j, "not_run");
	tc_json_num(&j, "%d", n.not_run);
	tc_json_key(&j, "errors");
	tc_json_num(&j, "%d", n.errors);
	tc_json_key(&j, "timeouts");
	tc_json_num(&j, "%d", n.timeouts);
	tc_json_key(&j, "crashed");
	tc_json_num(&j, "%d", n.crashed);
	tc_json_key(&j, "flaky");
	tc_json_num(&j, "%d", n.flaky);
	tc_json_key(&j, "late");
	tc_json_num(&j, "%d", n.late);
	tc_json_key(&j, "expected_failures");
	tc_json_num(&j, "%d", n.expected);
	tc_json_key(&j, "baseline_differences");
	tc_json_num(&j, "%d", n.differ);
	tc_json_end(&j);
	tc_json_end(&j);
	fputc('\n', f);
}
