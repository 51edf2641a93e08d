/* main.c: command line; the only place that prints results and exits. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "script.h"
#include "strbuf.h"

static void print_error(const struct tc_error *err)
{
	if (err->file && err->line && err->col)
		fprintf(stderr, "%s:%d:%d: error: %s\n", err->file, err->line,
			err->col, err->msg);
	else if (err->file && err->line)
		fprintf(stderr, "%s:%d: error: %s\n", err->file, err->line, err->msg);
	else
		fprintf(stderr, "error: %s\n", err->msg);
	fputs(err->detail, stderr);
}

int main(int argc, char **argv)
{
	struct tc_error err;
	struct tc_script *s = NULL;
	struct strbuf sb = STRBUF_INIT;

	if (argc != 3 || strcmp(argv[1], "--dump")) {
		fprintf(stderr, "usage: tcpconform --dump FILE\n");
		return TC_EXIT_USAGE;
	}
	tc_error_clear(&err);
	if (tc_script_parse_file(argv[2], NULL, 0, &s, &err) < 0) {
		print_error(&err);
		return tc_error_exit_code(&err);
	}
	tc_script_dump(s, &sb);
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
	tc_script_free(s);
	return 0;
}
