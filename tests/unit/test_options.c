/*
 * test_options.c: TCP options: script list -> wire bytes (exact), wire
 * bytes -> list -> script notation (exact), malformed lists, and a
 * deterministic pseudo-random round trip run under the sanitizers.
 */
#include <stdlib.h>

#include "codec.h"
#include "error.h"
#include "strbuf.h"
#include "tap.h"

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct tc_option o_nop(void)
{
	struct tc_option o = { .kind = TC_OPT_NOP };
	return o;
}

static struct tc_option o_eol(void)
{
	struct tc_option o = { .kind = TC_OPT_EOL };
	return o;
}

static struct tc_option o_mss(uint16_t v)
{
	struct tc_option o = { .kind = TC_OPT_MSS, .mss = v };
	return o;
}

static struct tc_option o_wscale(uint8_t v)
{
	struct tc_option o = { .kind = TC_OPT_WSCALE, .wscale = v };
	return o;
}

static struct tc_option o_sackok(void)
{
	struct tc_option o = { .kind = TC_OPT_SACK_PERM };
	return o;
}

static struct tc_option o_ts(uint32_t val, uint32_t ecr)
{
	struct tc_option o = { .kind = TC_OPT_TS, .ts_val = val, .ts_ecr = ecr };
	return o;
}

static struct tc_option o_sack(int n, const uint32_t *edges)
{
	struct tc_option o = { .kind = TC_OPT_SACK, .n_sack = n };

	for (int i = 0; i < n && i < TC_MAX_SACK_BLOCKS; i++) {
		o.sack[i].left = edges[2 * i];
		o.sack[i].right = edges[2 * i + 1];
	}
	return o;
}

static struct tc_option o_data(uint8_t kind, const uint8_t *d, size_t n)
{
	struct tc_option o = { .kind = kind, .data_len = (uint8_t)n };

	if (n)
		memcpy(o.data, d, n);
	return o;
}

static const uint8_t cookie8[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
				    0xcd, 0xef };
static const uint8_t foexp8[10] = { 0xf9, 0x89, 0x01, 0x23, 0x45, 0x67,
				    0x89, 0xab, 0xcd, 0xef };
static const uint8_t digest16[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
				      12, 13, 14, 15 };

/* Encode and compare with the expected bytes. */
static void check_encode(const struct tc_option *opts, int n,
			 const uint8_t *want, size_t want_len, int line)
{
	uint8_t buf[TC_MAX_OPT_BYTES];
	size_t len = 99;
	struct tc_error err;

	tc_error_clear(&err);
	if (tc_options_encode(opts, n, buf, sizeof(buf), &len, &err) != 0) {
		printf("# line %d: encode failed: %s\n", line, err.msg);
		tap_failed_checks++;
		return;
	}
	CHECK_INT(len, want_len);
	if (len == want_len && memcmp(buf, want, len) != 0) {
		printf("# line %d: encoded bytes differ\n#  ", line);
		for (size_t i = 0; i < len; i++)
			printf(" %02x", buf[i]);
		printf("\n");
		tap_failed_checks++;
	}
}

#define CHECK_ENCODE(opts, ...) do { \
	static const uint8_t want_[] = { __VA_ARGS__ }; \
	check_encode(opts, N_OF(opts), want_, sizeof(want_), __LINE__); \
} while (0)

/* Decode bytes and return the list in script notation, or "error: msg". */
static const char *decode_fmt(const uint8_t *b, size_t len, int max)
{
	static char out[TC_ERROR_MAX + 64];
	struct tc_option opts[TC_MAX_OPTIONS];
	struct strbuf sb = STRBUF_INIT;
	struct tc_error err;
	int n = -1;

	tc_error_clear(&err);
	if (tc_options_decode(b, len, opts, max, &n, &err) < 0) {
		snprintf(out, sizeof(out), "error: %s%s", err.msg,
			 err.kind == TC_ERR_VERIFY ? "" : " (wrong kind)");
		return out;
	}
	tc_options_format(opts, n, &sb);
	snprintf(out, sizeof(out), "%s", sb.buf);
	strbuf_release(&sb);
	return out;
}

#define DECODE_FMT(...) ({ \
	static const uint8_t in_[] = { __VA_ARGS__ }; \
	decode_fmt(in_, sizeof(in_), TC_MAX_OPTIONS); \
})

static void test_options__encode_each_kind(void)
{
	static const uint32_t edges[] = { 1, 2, 3, 4 };
	struct tc_option mss[] = { o_mss(1460) };
	struct tc_option ws[] = { o_nop(), o_wscale(7) };
	struct tc_option sok[] = { o_sackok(), o_nop(), o_nop() };
	struct tc_option sack[] = { o_nop(), o_nop(), o_sack(2, edges) };
	struct tc_option ts[] = { o_nop(), o_nop(), o_ts(0x01020304, 0xa0b0c0d0) };
	struct tc_option md5[] = { o_data(TC_OPT_MD5, digest16, 16), o_nop(), o_nop() };
	struct tc_option fo[] = { o_data(TC_OPT_FASTOPEN, cookie8, 8), o_nop(), o_nop() };
	struct tc_option fo0[] = { o_data(TC_OPT_FASTOPEN, NULL, 0), o_nop(), o_nop() };
	struct tc_option foexp[] = { o_data(TC_OPT_EXP, foexp8, 10) };
	struct tc_option eol[] = { o_nop(), o_eol(), o_eol(), o_eol() };
	struct tc_option unk[] = { o_data(30, (const uint8_t *)"\x01\x02", 2) };

	CHECK_ENCODE(mss, 0x02, 0x04, 0x05, 0xb4);
	CHECK_ENCODE(ws, 0x01, 0x03, 0x03, 0x07);
	CHECK_ENCODE(sok, 0x04, 0x02, 0x01, 0x01);
	CHECK_ENCODE(sack, 0x01, 0x01, 0x05, 0x12, 0, 0, 0, 1, 0, 0, 0, 2,
		     0, 0, 0, 3, 0, 0, 0, 4);
	CHECK_ENCODE(ts, 0x01, 0x01, 0x08, 0x0a, 0x01, 0x02, 0x03, 0x04,
		     0xa0, 0xb0, 0xc0, 0xd0);
	CHECK_ENCODE(md5, 0x13, 0x12, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
		     13, 14, 15, 0x01, 0x01);
	CHECK_ENCODE(fo, 0x22, 0x0a, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd,
		     0xef, 0x01, 0x01);
	CHECK_ENCODE(fo0, 0x22, 0x02, 0x01, 0x01);
	CHECK_ENCODE(foexp, 0xfe, 0x0c, 0xf9, 0x89, 0x01, 0x23, 0x45, 0x67,
		     0x89, 0xab, 0xcd, 0xef);
	CHECK_ENCODE(eol, 0x01, 0x00, 0x00, 0x00);
	CHECK_ENCODE(unk, 0x1e, 0x04, 0x01, 0x02);
}

static void test_options__encode_linux_syn(void)
{
	struct tc_option syn[] = { o_mss(1460), o_sackok(), o_ts(100, 0),
				   o_nop(), o_wscale(7) };

	CHECK_ENCODE(syn, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00,
		     0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03,
		     0x07);
}

static void test_options__encode_empty(void)
{
	uint8_t buf[4];
	size_t len = 99;
	struct tc_error err;

	CHECK_INT(tc_options_encode(NULL, 0, buf, sizeof(buf), &len, &err), 0);
	CHECK_INT(len, 0);
}

static int encode_err(const struct tc_option *o, int n, size_t cap,
		      struct tc_error *err)
{
	uint8_t buf[64];
	size_t len = 99;
	int rc;

	tc_error_clear(err);
	rc = tc_options_encode(o, n, buf, cap, &len, err);
	if (rc == 0)
		snprintf(err->msg, sizeof(err->msg), "ok");
	else if (len != 0)
		snprintf(err->msg, sizeof(err->msg), "out_len not reset");
	return rc;
}

static void test_options__encode_padding_error(void)
{
	struct tc_option o[] = { o_mss(1460), o_nop() };
	struct tc_option w[] = { o_wscale(7) };
	struct tc_error err;

	CHECK_INT(encode_err(o, N_OF(o), TC_MAX_OPT_BYTES, &err), -1);
	CHECK_STR(err.msg, "TCP options are not padded correctly");
	CHECK_INT(err.kind, TC_ERR_SCRIPT);
	CHECK_INT(encode_err(w, N_OF(w), TC_MAX_OPT_BYTES, &err), -1);
	CHECK_STR(err.msg, "TCP options are not padded correctly");
}

static void test_options__encode_too_long(void)
{
	struct tc_option full[] = { o_ts(1, 2), o_ts(3, 4), o_ts(5, 6), o_ts(7, 8),
				    o_nop(), o_nop(), o_nop(), o_nop() };
	struct tc_option big[] = { o_ts(1, 2), o_ts(3, 4), o_ts(5, 6), o_ts(7, 8),
				   o_mss(1), o_nop(), o_nop(), o_nop(), o_nop() };
	struct tc_error err;

	/* 4 x 10 bytes = 40: the most there is room for. */
	CHECK_INT(encode_err(full, 4, TC_MAX_OPT_BYTES, &err), 0);
	CHECK_INT(encode_err(full, N_OF(full), 64, &err), -1);
	CHECK_STR(err.msg, "TCP options too long (44 bytes)");
	CHECK_INT(err.kind, TC_ERR_SCRIPT);
	CHECK_INT(encode_err(big, 5, 64, &err), -1);
	CHECK_STR(err.msg, "TCP options too long (44 bytes)");
}

static void test_options__encode_cap_and_malformed(void)
{
	struct tc_option mss[] = { o_mss(1460) };
	struct tc_option sack = { .kind = TC_OPT_SACK, .n_sack = 5 };
	struct tc_option neg = { .kind = TC_OPT_SACK, .n_sack = -1 };
	struct tc_option huge = { .kind = 30, .data_len = 200 };
	struct tc_error err;

	CHECK_INT(encode_err(mss, 1, 3, &err), -1);
	CHECK_STR(err.msg, "TCP options do not fit in 3 bytes");
	CHECK_INT(encode_err(&sack, 1, 64, &err), -1);
	CHECK_STR(err.msg, "TCP option 1 (kind 5) is malformed");
	CHECK_INT(encode_err(&neg, 1, 64, &err), -1);
	CHECK_STR(err.msg, "TCP option 1 (kind 5) is malformed");
	CHECK_INT(encode_err(&huge, 1, 64, &err), -1);
	CHECK_STR(err.msg, "TCP option 1 (kind 30) is malformed");
}

/* Encode, decode, compare lengths, format, encode again: same bytes. */
static void check_round_trip(const struct tc_option *opts, int n,
			     const char *text, int line)
{
	uint8_t buf[TC_MAX_OPT_BYTES], again[TC_MAX_OPT_BYTES];
	size_t len = 0, len2 = 0;
	struct tc_option dec[TC_MAX_OPTIONS];
	struct strbuf sb = STRBUF_INIT;
	struct tc_error err;
	int m = -1;

	if (tc_options_encode(opts, n, buf, sizeof(buf), &len, &err) < 0 ||
	    tc_options_decode(buf, len, dec, TC_MAX_OPTIONS, &m, &err) < 0) {
		printf("# line %d: %s\n", line, err.msg);
		tap_failed_checks++;
		return;
	}
	CHECK_INT(m, n);
	for (int i = 0; i < n && i < m; i++) {
		CHECK_INT(dec[i].kind, opts[i].kind);
		CHECK_INT(dec[i].mss, opts[i].mss);
		CHECK_INT(dec[i].wscale, opts[i].wscale);
		CHECK_INT(dec[i].ts_val, opts[i].ts_val);
		CHECK_INT(dec[i].ts_ecr, opts[i].ts_ecr);
		CHECK_INT(dec[i].n_sack, opts[i].n_sack);
		for (int j = 0; j < opts[i].n_sack; j++) {
			CHECK_INT(dec[i].sack[j].left, opts[i].sack[j].left);
			CHECK_INT(dec[i].sack[j].right, opts[i].sack[j].right);
		}
		if (opts[i].data_len) {
			CHECK_INT(dec[i].data_len, opts[i].data_len);
			CHECK(memcmp(dec[i].data, opts[i].data, opts[i].data_len) == 0);
		}
	}
	tc_options_format(dec, m, &sb);
	if (strcmp(sb.buf, text) != 0) {
		printf("# line %d: expected '%s'\n#   actual   '%s'\n", line, text,
		       sb.buf);
		tap_failed_checks++;
	}
	strbuf_reset(&sb);
	tc_options_format(opts, n, &sb);	/* the script's list prints alike */
	CHECK_STR(sb.buf, text);
	strbuf_release(&sb);
	CHECK_INT(tc_options_encode(dec, m, again, sizeof(again), &len2, &err), 0);
	CHECK(len2 == len && memcmp(again, buf, len) == 0);
}

#define CHECK_ROUND_TRIP(opts, text) \
	check_round_trip(opts, N_OF(opts), text, __LINE__)

static void test_options__round_trip_every_kind(void)
{
	static const uint32_t e1[] = { 1, 2, 3, 4 };
	static const uint32_t e4[] = { 1000, 2000, 3000, 4000, 5000, 6000,
				       4294967295u, 7 };
	struct tc_option syn[] = { o_mss(1460), o_sackok(), o_ts(100, 0),
				   o_nop(), o_wscale(7) };
	struct tc_option sack[] = { o_nop(), o_nop(), o_sack(2, e1) };
	struct tc_option sack4[] = { o_nop(), o_nop(), o_sack(4, e4) };
	struct tc_option md5[] = { o_data(TC_OPT_MD5, digest16, 16), o_nop(), o_nop() };
	struct tc_option md5e[] = { o_data(TC_OPT_MD5, NULL, 0), o_nop(), o_nop() };
	struct tc_option fo[] = { o_data(TC_OPT_FASTOPEN, cookie8, 8), o_nop(), o_nop() };
	struct tc_option fo0[] = { o_data(TC_OPT_FASTOPEN, NULL, 0), o_nop(), o_nop() };
	struct tc_option foexp[] = { o_data(TC_OPT_EXP, foexp8, 10) };
	struct tc_option foexp0[] = { o_data(TC_OPT_EXP, foexp8, 2) };
	struct tc_option unk[] = { o_data(30, (const uint8_t *)"\x01\x02", 2) };
	struct tc_option unk0[] = { o_data(99, NULL, 0), o_nop(), o_nop() };
	struct tc_option big[] = { o_mss(65535), o_wscale(255), o_nop(),
				   o_ts(4294967295u, 4294967295u), o_nop(), o_nop() };

	CHECK_ROUND_TRIP(syn, "<mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>");
	CHECK_ROUND_TRIP(sack, "<nop,nop,sack 1:2 3:4>");
	CHECK_ROUND_TRIP(sack4, "<nop,nop,sack 1000:2000 3000:4000 5000:6000 "
			 "4294967295:7>");
	CHECK_ROUND_TRIP(md5, "<md5 000102030405060708090a0b0c0d0e0f,nop,nop>");
	CHECK_ROUND_TRIP(md5e, "<md5,nop,nop>");
	CHECK_ROUND_TRIP(fo, "<FO 0123456789abcdef,nop,nop>");
	CHECK_ROUND_TRIP(fo0, "<FO,nop,nop>");
	CHECK_ROUND_TRIP(foexp, "<FOEXP 0123456789abcdef>");
	CHECK_ROUND_TRIP(foexp0, "<FOEXP>");
	CHECK_ROUND_TRIP(unk, "<opt 30 0x0102>");
	CHECK_ROUND_TRIP(unk0, "<opt 99,nop,nop>");
	CHECK_ROUND_TRIP(big, "<mss 65535,wscale 255,nop,TS val 4294967295 "
			 "ecr 4294967295,nop,nop>");
}

static void test_options__decode_sets_length(void)
{
	static const uint8_t b[] = { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08,
		0x0a, 0, 0, 0, 1, 0, 0, 0, 2, 0x01, 0x03, 0x03, 0x07, 0x22, 0x06,
		1, 2, 3, 4 };
	static const int want[] = { 4, 2, 10, 1, 3, 6 };
	struct tc_option o[TC_MAX_OPTIONS];
	struct tc_error err;
	int n = -1;

	CHECK_INT(tc_options_decode(b, sizeof(b), o, TC_MAX_OPTIONS, &n, &err), 0);
	CHECK_INT(n, 6);
	for (int i = 0; i < n && i < 6; i++)
		CHECK_INT(o[i].length, want[i]);
	CHECK_INT(o[5].data_len, 4);
	CHECK_INT(o[5].data[3], 4);
}

static void test_options__decode_malformed(void)
{
	CHECK_STR(DECODE_FMT(0x02),
		  "error: TCP option kind 2 at byte 0 has no length");
	CHECK_STR(DECODE_FMT(0x01, 0x02, 0x01, 0x00),
		  "error: bad length 1 in TCP option kind 2 at byte 1");
	CHECK_STR(DECODE_FMT(0x02, 0x00, 0x00, 0x00),
		  "error: bad length 0 in TCP option kind 2 at byte 0");
	CHECK_STR(DECODE_FMT(0x01, 0x01, 0x08, 0x0a, 0x00, 0x00),
		  "error: TCP option kind 8 at byte 2 runs past the end "
		  "(length 10, 4 bytes left)");
	CHECK_STR(DECODE_FMT(0x1e, 0xff, 0x00, 0x00),
		  "error: TCP option kind 30 at byte 0 runs past the end "
		  "(length 255, 4 bytes left)");

	/* A caller's buffer may be longer than TCP allows: data[] still holds. */
	uint8_t longbuf[48] = { 0x1e, 45 };

	CHECK_STR(decode_fmt(longbuf, sizeof(longbuf), TC_MAX_OPTIONS),
		  "error: TCP option kind 30 at byte 0 is too long (45 bytes)");
}

static void test_options__decode_eol_ends_list(void)
{
	static const uint8_t b[] = { 0x02, 0x04, 0x05, 0xb4, 0x00, 0x02, 0xff,
				     0x00 };
	struct tc_option o[TC_MAX_OPTIONS];
	struct tc_error err;
	int n = -1;

	/* The bytes after EOL (here a bogus option) are padding: ignored. */
	CHECK_INT(tc_options_decode(b, sizeof(b), o, TC_MAX_OPTIONS, &n, &err), 0);
	CHECK_INT(n, 2);
	CHECK_INT(o[1].kind, TC_OPT_EOL);
	CHECK_INT(o[1].length, 1);
	CHECK_STR(DECODE_FMT(0x01, 0x01, 0x01, 0x00), "<nop,nop,nop,eol>");
	CHECK_STR(DECODE_FMT(0x00, 0x00, 0x00, 0x00), "<eol>");
}

static void test_options__decode_known_kind_bad_length(void)
{
	static const uint8_t b[] = { 0x02, 0x03, 0x05, 0x01 };
	struct tc_option o[TC_MAX_OPTIONS];
	uint8_t again[TC_MAX_OPT_BYTES];
	size_t len = 0;
	struct tc_error err;
	int n = -1;

	/* Kept as raw bytes, printed generically, re-encoded unchanged. */
	CHECK_INT(tc_options_decode(b, sizeof(b), o, TC_MAX_OPTIONS, &n, &err), 0);
	CHECK_INT(n, 2);
	CHECK_INT(o[0].length, 3);
	CHECK_INT(o[0].mss, 0);
	CHECK_STR(DECODE_FMT(0x02, 0x03, 0x05, 0x01), "<opt 2 0x05,nop>");
	CHECK_INT(tc_options_encode(o, n, again, sizeof(again), &len, &err), 0);
	CHECK(len == sizeof(b) && memcmp(again, b, len) == 0);

	CHECK_STR(DECODE_FMT(0x03, 0x02, 0x01, 0x01), "<opt 3,nop,nop>");
	CHECK_STR(DECODE_FMT(0x04, 0x03, 0x07, 0x01), "<opt 4 0x07,nop>");
	CHECK_STR(DECODE_FMT(0x08, 0x06, 0, 0, 0, 1), "<opt 8 0x00000001>");
	CHECK_STR(DECODE_FMT(0x05, 0x05, 1, 2, 3, 0x01, 0x01, 0x01),
		  "<opt 5 0x010203,nop,nop,nop>");
	CHECK_STR(DECODE_FMT(0x05, 0x02, 0x01, 0x01), "<sack,nop,nop>");
}

static void test_options__decode_exp_without_magic(void)
{
	CHECK_STR(DECODE_FMT(0xfe, 0x04, 0x12, 0x34), "<opt 254 0x1234>");
	CHECK_STR(DECODE_FMT(0xfe, 0x03, 0xf9, 0x01), "<opt 254 0xf9,nop>");
	CHECK_STR(DECODE_FMT(0xfe, 0x02, 0x01, 0x01), "<opt 254,nop,nop>");
}

static void test_options__decode_too_many(void)
{
	static const uint8_t b[] = { 1, 1, 1, 1 };

	CHECK_STR(decode_fmt(b, sizeof(b), 2),
		  "error: too many TCP options (more than 2)");
	CHECK_STR(decode_fmt(b, sizeof(b), 4), "<nop,nop,nop,nop>");
	CHECK_STR(decode_fmt(b, 0, 0), "<>");
}

static void test_options__accecn_format(void)
{
	CHECK_STR(DECODE_FMT(0xac, 0x0b, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0x01),
		  "<ECN e0b 1 ceb 0 e1b 1,nop>");
	CHECK_STR(DECODE_FMT(0xae, 0x08, 0, 0, 1, 0, 0x03, 0xe8, 0x01, 0x01),
		  "<ECN e1b 1 ceb 1000,nop,nop>");
	CHECK_STR(DECODE_FMT(0xac, 0x02, 0x01, 0x01), "<opt 172,nop,nop>");
	CHECK_STR(DECODE_FMT(0xac, 0x04, 0x01, 0x02), "<opt 172 0x0102>");
}

static void test_options__option_format_single(void)
{
	struct tc_option o = o_mss(536);
	struct strbuf sb = STRBUF_INIT;

	tc_option_format(&o, &sb);
	CHECK_STR(sb.buf, "mss 536");
	strbuf_reset(&sb);
	o = o_ts(1, 2);
	tc_option_format(&o, &sb);
	CHECK_STR(sb.buf, "TS val 1 ecr 2");
	strbuf_release(&sb);
}

static void test_options__script_lengths_accepted(void)
{
	/* A parser may fill length with the canonical value, or leave it 0. */
	struct tc_option a[] = { o_mss(1460) };
	struct tc_option b[] = { o_nop(), o_nop(), o_ts(1, 2) };

	a[0].length = 4;
	b[2].length = 10;
	b[0].length = 1;
	CHECK_ENCODE(a, 0x02, 0x04, 0x05, 0xb4);
	CHECK_ENCODE(b, 0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2);
}

/* Every prefix of a list decodes to 0 or -1 (ASan catches over-reads). */
static void test_options__decode_every_prefix(void)
{
	static const uint8_t b[] = { 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08,
		0x0a, 0, 0, 0, 1, 0, 0, 0, 2, 0x01, 0x05, 0x0a, 0, 0, 0, 1, 0,
		0, 0, 2, 0x22, 0x04, 0xaa, 0xbb, 0xfe, 0x06, 0xf9, 0x89, 1, 2,
		0x01, 0x03, 0x03, 0x07 };

	for (size_t len = 0; len <= sizeof(b); len++) {
		uint8_t *copy = malloc(len ? len : 1);
		struct tc_option o[TC_MAX_OPTIONS];
		struct tc_error err;
		int n = -1, rc;

		memcpy(copy, b, len);
		rc = tc_options_decode(copy, len, o, TC_MAX_OPTIONS, &n, &err);
		CHECK(rc == 0 || rc == -1);
		free(copy);
	}
}

/*
 * Pseudo-random lists (fixed seed): decoding never crashes, and any list
 * that decodes with no EOL and a legal size re-encodes to the same bytes.
 */
static void test_options__random_round_trip(void)
{
	uint32_t x = 12345;
	int decoded = 0;

	for (int iter = 0; iter < 20000; iter++) {
		uint8_t b[TC_MAX_OPT_BYTES], again[TC_MAX_OPT_BYTES];
		struct tc_option o[TC_MAX_OPTIONS];
		struct strbuf sb = STRBUF_INIT;
		struct tc_error err;
		size_t len, len2 = 0;
		bool eol = false;
		int n = -1;

		x = x * 1103515245u + 12345u;
		len = 4 * ((x >> 16) % 11);
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			/* Bias towards plausible kinds and small lengths. */
			b[i] = (uint8_t)((x >> 16) % (i % 2 ? 12 : 40));
			if (b[i] >= 12 && b[i] < 20)
				b[i] = (uint8_t)(0xac + (b[i] & 2));
		}
		if (tc_options_decode(b, len, o, TC_MAX_OPTIONS, &n, &err) < 0)
			continue;
		decoded++;
		tc_options_format(o, n, &sb);
		CHECK(sb.buf[0] == '<');
		strbuf_release(&sb);
		for (int i = 0; i < n; i++)
			eol |= o[i].kind == TC_OPT_EOL;
		if (eol)
			continue;
		CHECK_INT(tc_options_encode(o, n, again, sizeof(again), &len2, &err), 0);
		CHECK(len2 == len && memcmp(again, b, len) == 0);
	}
	CHECK(decoded > 1000);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_options__encode_each_kind),
	TAP_TEST(test_options__encode_linux_syn),
	TAP_TEST(test_options__encode_empty),
	TAP_TEST(test_options__encode_padding_error),
	TAP_TEST(test_options__encode_too_long),
	TAP_TEST(test_options__encode_cap_and_malformed),
	TAP_TEST(test_options__round_trip_every_kind),
	TAP_TEST(test_options__decode_sets_length),
	TAP_TEST(test_options__decode_malformed),
	TAP_TEST(test_options__decode_eol_ends_list),
	TAP_TEST(test_options__decode_known_kind_bad_length),
	TAP_TEST(test_options__decode_exp_without_magic),
	TAP_TEST(test_options__decode_too_many),
	TAP_TEST(test_options__accecn_format),
	TAP_TEST(test_options__option_format_single),
	TAP_TEST(test_options__script_lengths_accepted),
	TAP_TEST(test_options__decode_every_prefix),
	TAP_TEST(test_options__random_round_trip),
};

TAP_MAIN(tests)
