/*
 * writer.h: small streaming writers for JSON and XML, so that a report
 * says what it writes (an object, a key, a string) and the writer places
 * every comma, quote, indent and closing tag.
 *
 * Text is escaped for its format and passed through as UTF-8 where valid:
 * a byte that starts no valid sequence becomes U+FFFD ("\ufffd") in JSON
 * and '?' in XML; control characters XML cannot carry become '?'.  Each
 * writer nests at most TC_WRITER_DEPTH levels (a report needs five);
 * deeper is a programming error (abort).  Output goes to the FILE given;
 * nothing is buffered here, and write errors are the FILE's to report.
 */
#ifndef TC_WRITER_H
#define TC_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#define TC_WRITER_DEPTH 8

/*
 * JSON.  A container opened with lines set puts each member on a line of
 * its own, indented two spaces per level, and its closing bracket on a
 * line of its own; without, members follow each other after ", ".  In an
 * object, tc_json_key() comes before each value.
 */
struct tc_json {
	FILE *f;
	int depth;
	bool after_key;		/* a key placed the next value */
	struct {
		bool lines, any;
		char close;
	} level[TC_WRITER_DEPTH];
};

void tc_json_init(struct tc_json *j, FILE *f);
void tc_json_object(struct tc_json *j, bool lines);
void tc_json_array(struct tc_json *j, bool lines);
/* Close the innermost object or array. */
void tc_json_end(struct tc_json *j);
void tc_json_key(struct tc_json *j, const char *key);
/* A string, quoted and escaped; null for NULL. */
void tc_json_str(struct tc_json *j, const char *s);
void tc_json_bool(struct tc_json *j, bool b);
void tc_json_null(struct tc_json *j);
/* A number (or any literal) as printf formats it: "%d", "%.3f". */
void tc_json_num(struct tc_json *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * XML.  tc_xml_start() opens an element on a line of its own, indented
 * two spaces per level; attributes follow until its content starts.  An
 * element with neither children nor text closes as "<name .../>"; one
 * with text keeps it on its line; one with children closes on a line of
 * its own.
 */
struct tc_xml {
	FILE *f;
	int depth;
	bool in_tag;		/* the innermost start tag is still open */
	struct {
		const char *name;	/* borrowed: a string literal */
		bool children, text;
	} level[TC_WRITER_DEPTH];
};

/* Writes the XML declaration. */
void tc_xml_init(struct tc_xml *x, FILE *f);
void tc_xml_start(struct tc_xml *x, const char *name);
/* An attribute of the element just started; value escaped ("" for NULL). */
void tc_xml_attr(struct tc_xml *x, const char *name, const char *value);
void tc_xml_attrf(struct tc_xml *x, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Text content, escaped ("" for NULL); may come more than once. */
void tc_xml_text(struct tc_xml *x, const char *text);
void tc_xml_end(struct tc_xml *x);

#endif
