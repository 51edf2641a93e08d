/* Unit tests for writer.c: the JSON and XML writers' layout and escaping,
 * and error.c's notices (which go to a sink, not to a stream). */
#include "tap.h"

#include <stdlib.h>

#include "error.h"
#include "strbuf.h"
#include "writer.h"

static char *mem;
static size_t mem_len;

static FILE *open_mem(void)
{
	free(mem);
	mem = NULL;
	return open_memstream(&mem, &mem_len);
}

/* Objects and arrays, on lines of their own or inline, nested. */
static void test_writer__json_layout(void)
{
	FILE *f = open_mem();
	struct tc_json j;

	tc_json_init(&j, f);
	tc_json_object(&j, true);
	tc_json_key(&j, "a");
	tc_json_num(&j, "%d", 1);
	tc_json_key(&j, "list");
	tc_json_array(&j, false);
	tc_json_str(&j, "x");
	tc_json_null(&j);
	tc_json_bool(&j, true);
	tc_json_end(&j);
	tc_json_key(&j, "rows");
	tc_json_array(&j, true);
	tc_json_object(&j, false);
	tc_json_key(&j, "n");
	tc_json_num(&j, "%.3f", 1.5);
	tc_json_end(&j);
	tc_json_object(&j, false);
	tc_json_end(&j);
	tc_json_end(&j);
	tc_json_key(&j, "none");
	tc_json_array(&j, true);
	tc_json_end(&j);
	tc_json_end(&j);
	fclose(f);
	CHECK_STR(mem, "{\n  \"a\": 1,\n  \"list\": [\"x\", null, true],\n"
		  "  \"rows\": [\n    {\"n\": 1.500},\n    {}\n  ],\n  \"none\": [\n  ]\n}");
}

/* Quotes, backslashes, control bytes, valid UTF-8 kept, invalid bytes
 * replaced; NULL is null. */
static void test_writer__json_escaping(void)
{
	FILE *f = open_mem();
	struct tc_json j;

	tc_json_init(&j, f);
	tc_json_array(&j, false);
	tc_json_str(&j, "a\"b\\c\nd\te\x01\x7f");
	tc_json_str(&j, "\xe2\x82\xac \xff \xc3");
	tc_json_str(&j, NULL);
	tc_json_end(&j);
	fclose(f);
	CHECK_STR(mem, "[\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\", "
		  "\"\xe2\x82\xac \\ufffd \\ufffd\", null]");
}

/* Empty elements close with "/>", text stays on its line, children close
 * on a line of their own; attributes and text escaped. */
static void test_writer__xml_layout_and_escaping(void)
{
	FILE *f = open_mem();
	struct tc_xml x;

	tc_xml_init(&x, f);
	tc_xml_start(&x, "a");
	tc_xml_attr(&x, "n", "<&>\"'");
	tc_xml_attrf(&x, "k", "%d", 7);
	tc_xml_start(&x, "b");
	tc_xml_end(&x);
	tc_xml_start(&x, "c");
	tc_xml_text(&x, "t\x01\xff<");
	tc_xml_end(&x);
	tc_xml_start(&x, "d");
	tc_xml_text(&x, NULL);
	tc_xml_end(&x);
	tc_xml_end(&x);
	fclose(f);
	CHECK_STR(mem, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		  "<a n=\"&lt;&amp;&gt;&quot;&apos;\" k=\"7\">\n"
		  "  <b/>\n"
		  "  <c>t??&lt;</c>\n"
		  "  <d></d>\n"
		  "</a>\n");
	free(mem);
	mem = NULL;
}

static void sink(void *arg, const char *text)
{
	strbuf_addstr(arg, text);
}

/* A notice is formatted with its kind and position and handed to the
 * sink; without one it goes to stderr (not checked here). */
static void test_writer__notices_reach_the_sink(void)
{
	struct strbuf sb = STRBUF_INIT;

	tc_notice_sink(sink, &sb);
	tc_notice(TC_NOTE, NULL, 0, NULL, "running without %s", "X");
	tc_notice(TC_WARNING, "a.pkt", 3, "  detail\n", "bad %s", "packet");
	tc_notice(TC_ERROR_NOTICE, "a.pkt", 0, "", "gone");
	tc_notice_sink(NULL, NULL);
	CHECK_STR(sb.buf, "note: running without X\n"
		  "a.pkt:3: warning: bad packet\n  detail\n"
		  "a.pkt: error: gone\n");
	strbuf_release(&sb);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_writer__json_layout),
	TAP_TEST(test_writer__json_escaping),
	TAP_TEST(test_writer__xml_layout_and_escaping),
	TAP_TEST(test_writer__notices_reach_the_sink),
};

TAP_MAIN(tests)
