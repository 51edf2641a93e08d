/*
 * test_sha256.c: FIPS 180-4 vectors (empty, "abc", the two-block
 * message, a million 'a's fed in odd pieces), and the digest of a
 * gzip file equal to that of its contents (the kernel's config.gz).
 */
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "sha256.h"
#include "tap.h"

static void hex_of(const char *s, char out[65])
{
	struct tc_sha256 c;

	tc_sha256_init(&c);
	tc_sha256_update(&c, s, strlen(s));
	tc_sha256_hex(&c, out);
}

static void test_sha256__vectors(void)
{
	char out[65];

	hex_of("", out);
	CHECK_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hex_of("abc", out);
	CHECK_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", out);
	CHECK_STR(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256__million_a_in_pieces(void)
{
	struct tc_sha256 c;
	char a[997], out[65];
	size_t left = 1000000;

	memset(a, 'a', sizeof(a));
	tc_sha256_init(&c);
	while (left) {
		size_t n = left < sizeof(a) ? left : sizeof(a);

		tc_sha256_update(&c, a, n);
		left -= n;
	}
	tc_sha256_hex(&c, out);
	CHECK_STR(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256__gz_file_digests_contents(void)
{
	char path[] = "/tmp/test_sha256.XXXXXX", out[65];
	int fd = mkstemp(path);
	gzFile gz;

	CHECK(fd >= 0);
	gz = gzdopen(fd, "wb");
	CHECK(gz != NULL);
	CHECK_INT(gzwrite(gz, "abc", 3), 3);
	CHECK_INT(gzclose(gz), Z_OK);
	CHECK_INT(tc_sha256_gz_file(path, out), 0);
	CHECK_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	unlink(path);
	CHECK_INT(tc_sha256_gz_file(path, out), -1);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_sha256__vectors),
	TAP_TEST(test_sha256__million_a_in_pieces),
	TAP_TEST(test_sha256__gz_file_digests_contents),
};

TAP_MAIN(tests)
