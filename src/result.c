/* result.c: see result.h. */
#include "result.h"

#include <string.h>

static const struct {
	enum tc_outcome o;
	const char *name;
} outcome_names[] = {
	{ TC_OUT_NONE, "none" },
	{ TC_OUT_PASS, "pass" },
	{ TC_OUT_FAIL, "fail" },
	{ TC_OUT_ERROR, "error" },
	{ TC_OUT_TIMEOUT, "timeout" },
	{ TC_OUT_SKIP, "skip" },
	{ TC_OUT_LATE, "late" },
	{ 0, NULL },
};

const char *tc_outcome_name(enum tc_outcome o)
{
	for (int i = 0; outcome_names[i].name; i++)
		if (outcome_names[i].o == o)
			return outcome_names[i].name;
	return "?";
}

int tc_outcome_parse(const char *s)
{
	for (int i = 0; outcome_names[i].name; i++)
		if (!strcmp(outcome_names[i].name, s))
			return (int)outcome_names[i].o;
	return -1;
}

static const char *const label_names[] = {
	[TC_LABEL_NOT_RUN] = "-",
	[TC_LABEL_PASS] = "pass",
	[TC_LABEL_FLAKY] = "flaky",
	[TC_LABEL_XPASS] = "xpass",
	[TC_LABEL_FAIL] = "fail",
	[TC_LABEL_ERROR] = "error",
	[TC_LABEL_TIMEOUT] = "timeout",
	[TC_LABEL_XFAIL] = "xfail",
	[TC_LABEL_SKIP] = "skip",
	[TC_LABEL_LATE] = "late",
};

const char *tc_label_name(enum tc_label l)
{
	if ((unsigned)l < sizeof(label_names) / sizeof(label_names[0]))
		return label_names[l];
	return "?";
}

enum tc_label tc_case_label(const struct tc_case *c)
{
	switch (c->outcome) {
	case TC_OUT_NONE:
		return TC_LABEL_NOT_RUN;
	case TC_OUT_SKIP:
		return TC_LABEL_SKIP;
	case TC_OUT_LATE:
		return TC_LABEL_LATE;
	case TC_OUT_PASS:
		if (c->judgement == TC_BL_DIFF && c->bl_outcome >= 0 &&
		    c->bl_outcome != TC_OUT_PASS)
			return TC_LABEL_XPASS;
		return c->flaky ? TC_LABEL_FLAKY : TC_LABEL_PASS;
	case TC_OUT_FAIL:
	case TC_OUT_ERROR:
	case TC_OUT_TIMEOUT:
		if (c->judgement == TC_BL_SAME)
			return TC_LABEL_XFAIL;
		return c->outcome == TC_OUT_FAIL ? TC_LABEL_FAIL :
		       c->outcome == TC_OUT_ERROR ? TC_LABEL_ERROR : TC_LABEL_TIMEOUT;
	}
	return TC_LABEL_NOT_RUN;
}
