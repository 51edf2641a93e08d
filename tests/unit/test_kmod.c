/*
 * test_kmod.c: modules.dep: names from paths, load order (dependencies
 * first, each once, deepest first as modprobe does), missing modules,
 * malformed lines.
 */
#include <stdlib.h>

#include "error.h"
#include "vm/kmod.h"
#include "strbuf.h"
#include "tap.h"

/* Debian 6.1's lines for the modules the guest needs. */
static const char dep[] =
	"kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko\n"
	"kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n"
	"kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n"
	"kernel/fs/overlayfs/overlay.ko:\n"
	"kernel/drivers/net/veth.ko:\n"
	"kernel/net/9p/9pnet.ko:\n"
	"kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko\n"
	"kernel/fs/netfs/netfs.ko:\n"
	"kernel/drivers/virtio/virtio.ko:\n"
	"kernel/drivers/virtio/virtio_ring.ko:\n"
	"kernel/drivers/virtio/virtio_pci_legacy_dev.ko:\n"
	"kernel/drivers/virtio/virtio_pci_modern_dev.ko:\n"
	"kernel/crypto/crc32c-generic.ko.xz:\n";

static void test_kmod__name(void)
{
	char n[64];

	tc_kmod_name("kernel/net/9p/9pnet_virtio.ko", n, sizeof(n));
	CHECK_STR(n, "9pnet_virtio");
	tc_kmod_name("kernel/crypto/crc32c-generic.ko.xz", n, sizeof(n));
	CHECK_STR(n, "crc32c_generic");
	tc_kmod_name("veth", n, sizeof(n));
	CHECK_STR(n, "veth");
	tc_kmod_name("abcdefgh.ko", n, 4);
	CHECK_STR(n, "abc");
}

static void test_kmod__order_dependencies_first(void)
{
	static const char *const names[] = {
		"9pnet_virtio", "9p", "virtio_pci", "overlay", "veth", "crc32c-generic",
	};
	struct tc_kmod *k = NULL;
	struct tc_error err;
	struct strbuf paths = STRBUF_INIT, missing = STRBUF_INIT;

	tc_error_clear(&err);
	CHECK_INT(tc_kmod_parse(dep, "modules.dep", &k, &err), 0);
	tc_kmod_order(k, names, 6, &paths, &missing);
	CHECK_STR(paths.buf,
		  "kernel/drivers/virtio/virtio_ring.ko\n"
		  "kernel/drivers/virtio/virtio.ko\n"
		  "kernel/net/9p/9pnet.ko\n"
		  "kernel/net/9p/9pnet_virtio.ko\n"
		  "kernel/fs/netfs/netfs.ko\n"
		  "kernel/fs/fscache/fscache.ko\n"
		  "kernel/fs/9p/9p.ko\n"
		  "kernel/drivers/virtio/virtio_pci_modern_dev.ko\n"
		  "kernel/drivers/virtio/virtio_pci_legacy_dev.ko\n"
		  "kernel/drivers/virtio/virtio_pci.ko\n"
		  "kernel/fs/overlayfs/overlay.ko\n"
		  "kernel/drivers/net/veth.ko\n"
		  "kernel/crypto/crc32c-generic.ko.xz\n");
	CHECK_STR(missing.buf, "");
	tc_kmod_free(k);
	strbuf_release(&paths);
	strbuf_release(&missing);
}

static void test_kmod__missing_and_cycle(void)
{
	static const char *const names[] = { "a", "nosuch", "a" };
	struct tc_kmod *k = NULL;
	struct tc_error err;
	struct strbuf paths = STRBUF_INIT, missing = STRBUF_INIT;

	tc_error_clear(&err);
	/* A cycle cannot come from depmod; it must still end. */
	CHECK_INT(tc_kmod_parse("a.ko: b.ko\nb.ko: a.ko\n", "m", &k, &err), 0);
	tc_kmod_order(k, names, 3, &paths, &missing);
	CHECK_STR(paths.buf, "b.ko\na.ko\n");
	CHECK_STR(missing.buf, "nosuch\n");
	tc_kmod_free(k);
	strbuf_release(&paths);
	strbuf_release(&missing);
}

static void test_kmod__malformed(void)
{
	struct tc_kmod *k = NULL;
	struct tc_error err;

	tc_error_clear(&err);
	CHECK_INT(tc_kmod_parse("a.ko:\nno colon here\n", "dir/modules.dep", &k, &err), -1);
	CHECK_STR(err.msg, "dir/modules.dep:2: malformed line (expected 'PATH: DEPS')");
	CHECK(k == NULL);
	CHECK_INT(tc_kmod_load("/nonexistent", &k, &err), -1);
	CHECK(strstr(err.msg, "cannot read '/nonexistent/modules.dep': No such file") == err.msg);
}

static const struct tap_test tests[] = {
	TAP_TEST(test_kmod__name),
	TAP_TEST(test_kmod__order_dependencies_first),
	TAP_TEST(test_kmod__missing_and_cycle),
	TAP_TEST(test_kmod__malformed),
};

TAP_MAIN(tests)
