/*
 * html.h: --html DIR, a report to look at: a browser opens it from
 * file://, with nothing fetched (inline CSS and SVG, no script).
 *
 *   DIR/index.html     the matrix of scripts times columns, each cell a
 *                      link to its run
 *   DIR/runs/N.html    run N (the case's number in the suite): its
 *                      outcome and message, a ladder diagram (SVG) of
 *                      its event record (result.h), the events as a
 *                      table, the script with its failing line marked,
 *                      and a link to its capture
 *
 * The ladder: the remote host (tcpconform) on the left, the local host
 * (the kernel under test) on the right, time downward.  Each packet line
 * is a band (its window with the tolerance either side), a dashed arrow
 * at the time the script gives and a solid one when it was injected or
 * captured; system calls and commands are bars on the local side from
 * when they began to when they returned.  Every arrow and bar carries its
 * script line number.  The time axis is stretched, not linear: between
 * two moments the gap grows with the logarithm of the time between them,
 * and rows never come closer than one text line; the times are written
 * beside each row.
 *
 * Everything from a script (its path, its text, the packets, messages)
 * is escaped: markup in a script shows as text.  The pages are XHTML
 * polyglot (every element closed), so an XML parser reads them too.
 * Files are written through fsutil.h: DIR as named (made if missing),
 * runs/ below it made without following a symlink, each page a fresh
 * temporary renamed into place.
 */
#ifndef TC_HTML_H
#define TC_HTML_H

#include "result.h"

struct tc_error;
struct tc_report_info;

/* Write the report for suite s into dir.  Returns 0, or -1 with err
 * (TC_ERR_ENV). */
int tc_html_write(const char *dir, const struct tc_suite *s,
		  const struct tc_report_info *info, struct tc_error *err);

#endif
