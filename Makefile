# tcpconform: a packet-crafting conformance tester for kernel TCP stacks.
#
#   make            build ./tcpconform (says which Debian package is missing)
#   make deps       install the Debian packages to build and run it (apt)
#   make test-deps  those and what make check adds (QEMU, clang, xmllint)
#   make check      unit tests, parser golden tests, end-to-end tests
#   make example    install, build, run the bundled example and the suite
#   make install    binary, man page, bash completion, profiles and suite
#                   under $(DESTDIR)$(PREFIX); make uninstall removes them
#   make install-packetdrill-link   also $(BINDIR)/packetdrill -> tcpconform
#                   (never replaces a packetdrill that is not that link)
#   make conformance  run scripts/ under every profile, write doc/conformance.md
#   make baseline   rerecord scripts/baseline.txt on this kernel
#   make matrix     regenerate scripts/matrix/ from tools/matrix's tables
#   make matrix-check  fail if scripts/matrix/ is not what tools/matrix writes
#   make fuzz       build the libFuzzer harnesses (fuzz/) with clang in build-fuzz
#   make fuzz-smoke build them and run each FUZZ_TIME seconds (default 20)
#
#   V=1             show full commands
#   DEVELOPER=1     warnings are errors (CI sets it)
#   SANITIZE=address,undefined   build with sanitizers

VERSION := 0.1

CC ?= cc
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/tcpconform
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
BISON ?= bison
FLEX ?= flex
PKG_CONFIG ?= pkg-config
B ?= build
BIN ?= tcpconform

# Libraries through pkg-config (Debian 12's libnet1-dev has no libnet.pc:
# its libnet-config then, else plain -lnet).
PC_MODULES := libpcap libmnl zlib
PC_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PC_MODULES) 2>/dev/null)
PC_LIBS := $(or $(shell $(PKG_CONFIG) --libs $(PC_MODULES) 2>/dev/null),-lpcap -lmnl -lz)
LIBNET_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnet 2>/dev/null)
LIBNET_LIBS := $(or $(shell $(PKG_CONFIG) --libs libnet 2>/dev/null || \
	libnet-config --libs 2>/dev/null),-lnet)

WARNINGS := -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes -Wvla \
	-Wwrite-strings -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
# CPPFLAGS, CFLAGS and LDFLAGS are the builder's (dpkg-buildflags' hardening).
ALL_CFLAGS := -std=gnu11 $(WARNINGS) $(CPPFLAGS) $(CFLAGS) -D_GNU_SOURCE -Isrc -I$(B) \
	$(LIBNET_CFLAGS) $(PC_CFLAGS) -MMD -MP
ifeq ($(DEVELOPER),1)
ALL_CFLAGS += -Werror
endif
# Coverage for libFuzzer in every object (make fuzz sets it).
ifeq ($(FUZZER),1)
ALL_CFLAGS += -fsanitize=fuzzer-no-link
endif
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif
# flex and bison output: only these warnings are silenced, only there.
GEN_CFLAGS := -Wno-unused-function -Wno-missing-prototypes -Wno-sign-compare \
	-Wno-unused-parameter

LIBS := $(LIBNET_LIBS) $(PC_LIBS) -lpthread

# The guest's init for --kernel: static, no sanitizers (it is PID 1 of a
# VM), embedded in the library by src/vm/guest/blob.S.
INIT_SRCS := src/vm/guest/init.c src/vm/vmjob.c src/fsutil.c src/strbuf.c src/error.c src/proc.c
INIT_OBJS := $(patsubst src/%.c,$(B)/init-objs/%.o,$(INIT_SRCS))
INIT_CFLAGS := -std=gnu11 $(WARNINGS) -O2 -D_GNU_SOURCE -Isrc -MMD -MP \
	$(if $(filter 1,$(DEVELOPER)),-Werror)

ifneq ($(V),1)
Q = @
QUIET_CC = @echo '   CC      ' $@;
QUIET_LINK = @echo '   LINK    ' $@;
QUIET_GEN = @echo '   GEN     ' $@;
endif

# Every src/*.c and src/vm/*.c (the --kernel family) except main.c goes
# into the library that tests link too.
LIB_SRCS := $(filter-out src/main.c,$(wildcard src/*.c src/vm/*.c))
LIB_OBJS := $(patsubst src/%.c,$(B)/%.o,$(LIB_SRCS)) \
	$(if $(wildcard grammar/parser.y),$(B)/parser.o $(B)/lexer.o) $(B)/init-blob.o
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))

all: $(BIN) $(B)/completion/tcpconform

# Before anything is built: each missing tool or library named, with its
# Debian package (nothing is fetched: make deps installs them).
build-deps-check:
	$(Q)CC='$(CC)' BISON='$(BISON)' FLEX='$(FLEX)' PKG_CONFIG='$(PKG_CONFIG)' \
		CPPFLAGS='$(CPPFLAGS) $(LIBNET_CFLAGS) $(PC_CFLAGS)' tools/check-build-deps

# The version, `git describe` when built in a git checkout (a tarball
# needs no git), and the data dir; rewritten only when one changes.
GIT_DESCRIBE = $(shell test -e .git && git describe --always --dirty 2>/dev/null)

$(B)/version.h: FORCE
	@mkdir -p $(@D)
	$(Q)printf '#define TC_VERSION "%s"\n#define TC_GIT_DESCRIBE "%s"\n#define TC_DATADIR "%s"\n' \
		'$(VERSION)' '$(GIT_DESCRIBE)' '$(DATADIR)' >$@.tmp && \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(B)/main.o: $(B)/version.h

# The bash completion: its template with the options --help lists.
$(B)/completion/tcpconform: contrib/bash-completion/tcpconform.in tools/bash-completion $(BIN)
	@mkdir -p $(@D)
	$(Q)tools/bash-completion $(BIN) $< >$@

$(BIN): $(B)/main.o $(B)/libtc.a
	$(QUIET_LINK)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/libtc.a: $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/%.o: src/%.c | build-deps-check $(if $(wildcard grammar/parser.y),$(B)/parser.h)
	@mkdir -p $(@D)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/init-objs/%.o: src/%.c | build-deps-check
	@mkdir -p $(@D)
	$(QUIET_CC)$(CC) $(INIT_CFLAGS) -c -o $@ $<

$(B)/tcinit: $(INIT_OBJS)
	$(QUIET_LINK)$(CC) -static -s -o $@ $^

$(B)/init-blob.o: src/vm/guest/blob.S $(B)/tcinit
	$(QUIET_CC)$(CC) -c -DTC_INIT_PATH='"$(B)/tcinit"' -o $@ $<

$(B)/parser.c $(B)/parser.h: grammar/parser.y | build-deps-check
	@mkdir -p $(B)
	$(QUIET_GEN)$(BISON) -Wall --report=all --report-file=$(B)/parser.output \
		--header=$(B)/parser.h -o $(B)/parser.c $<

$(B)/lexer.c $(B)/lexer.h: grammar/lexer.l | build-deps-check
	@mkdir -p $(B)
	$(QUIET_GEN)$(FLEX) --header-file=$(B)/lexer.h -o $(B)/lexer.c $<

$(B)/parser.o: $(B)/parser.c $(B)/lexer.h
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(GEN_CFLAGS) -c -o $@ $<

$(B)/lexer.o: $(B)/lexer.c $(B)/parser.h
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(GEN_CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c tests/unit/tap.h $(B)/libtc.a
	@mkdir -p $(@D)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(B)/libtc.a $(LIBS)

unit: $(UNIT_BINS)

# The --kernel tests boot Debian's packaged kernel: fetched with apt-get
# download and unpacked into the default build directory once (never
# installed), shared by every B= (the sanitizer build boots it too).
DEBIAN_KERNEL ?= build/debian-kernel

$(DEBIAN_KERNEL)/release:
	tests/vm/fetch-kernel $(DEBIAN_KERNEL)

# A kernel that hangs before init, for the --vm-timeout test.
$(B)/tests/hang-kernel: tests/vm/hang.S
	@mkdir -p $(@D)
	$(QUIET_LINK)$(CC) -m32 -nostdlib -static -Wl,-n -Wl,-Ttext=0x100000 \
		-Wl,--build-id=none -o $@ $<

# A kernel that panics, for the panic path.
$(B)/tests/panic-kernel: tests/vm/panic.S
	@mkdir -p $(@D)
	$(QUIET_LINK)$(CC) -m32 -nostdlib -static -Wl,-n -Wl,-Ttext=0x100000 \
		-Wl,--build-id=none -o $@ $<

vm-test-deps: $(DEBIAN_KERNEL)/release $(B)/tests/hang-kernel $(B)/tests/panic-kernel

check: test-deps $(BIN) $(B)/completion/tcpconform unit vm-test-deps
	TCPCONFORM=$(abspath $(BIN)) B=$(B) DEBIAN_KERNEL=$(DEBIAN_KERNEL) ./tests/run-all

# The README's first command: install, build, run the bundled example, then
# the conformance suite against this kernel under the default settings,
# compared with the shipped baseline (a difference is shown, not fatal here:
# on another kernel it is the point; 2 and above mean tcpconform is broken).
example: deps tcpconform
	./tcpconform examples/*.pkt && echo "examples: all passed"
	./tcpconform --profile scripts/profiles/linux-default.sysctl --retries 1 \
		--baseline scripts/baseline.txt scripts/; test $$? -le 1

# The shipped suite, slow tier included, under every shipped profile:
# doc/conformance.md is generated from that run (tools/conformance-doc), never typed by hand.
PROFILES = $(sort $(wildcard scripts/profiles/*.sysctl))
PROFILE_ARGS = $(foreach p,$(PROFILES),--profile $(p))

conformance: deps tcpconform
	@mkdir -p $(B)
	./tcpconform $(PROFILE_ARGS) --retries 1 --slow --json $(B)/conformance.json scripts/; test $$? -le 1
	tools/conformance-doc --json $(B)/conformance.json --claims doc/tcp-claims.md \
		--requirements doc/requirements.txt \
		-o doc/conformance.md

# Record this kernel's outcomes as the shipped baseline (reasons are kept).
baseline: deps tcpconform
	./tcpconform $(PROFILE_ARGS) --retries 1 $(if $(wildcard scripts/baseline.txt),--baseline scripts/baseline.txt) \
		--write-baseline scripts/baseline.txt scripts/; test $$? -le 1

# The state x segment matrix: scripts/matrix/ is generated by tools/matrix
# from its tables and committed; matrix-check (and its case in make check,
# tests/matrix/run) regenerates it into a temporary directory and fails,
# naming each file, when the committed scripts differ (edited by hand, or a
# table changed without `make matrix`), or when a run of a cell where Linux
# departs has no reason in scripts/baseline.txt (make matrix writes them;
# make baseline keeps them).
matrix:
	tools/matrix -o scripts/matrix --baseline scripts/baseline.txt

matrix-check:
	tools/matrix --check scripts/matrix --baseline scripts/baseline.txt

# The fuzzers (fuzz/fuzz_*.c): clang, libFuzzer, ASan and UBSan, in a
# build directory of their own; seeds are copied from the repository's
# own files (fuzz/seed) into $(FUZZ_B)/fuzz/seeds, the corpora grow in
# $(FUZZ_B)/fuzz/corpus.  fuzz-smoke fails on any crash, leak or hang
# (fuzz/check-run first shows that it would).
FUZZ_B ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_TIME ?= 20
FUZZ_SRCS := $(wildcard fuzz/fuzz_*.c)

fuzz:
	$(MAKE) B=$(FUZZ_B) BIN=$(FUZZ_B)/tcpconform CC=$(FUZZ_CC) \
		SANITIZE=address,undefined FUZZER=1 fuzz-harnesses

fuzz-harnesses: $(patsubst fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))
	$(Q)fuzz/seed $(B)/fuzz/seeds

$(B)/fuzz/%: fuzz/%.c $(B)/libtc.a
	@mkdir -p $(@D)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(B)/libtc.a $(LIBS)

fuzz-smoke: fuzz
	CC=$(FUZZ_CC) fuzz/check-run $(FUZZ_B)/check-run
	fuzz/run $(FUZZ_B)/fuzz $(FUZZ_TIME)

# What building and running need; test-deps adds what make check and CI
# use (QEMU for the --kernel tests, clang, xmllint).
deps:
	./tests/install-deps run

test-deps:
	./tests/install-deps test

# The shipped suite and example go to $(DATADIR), where -p NAME finds the
# profiles (scripts/profiles) and `tcpconform --version` names the place.
DATA_FILES := $(sort $(shell find scripts examples -type f ! -name '*~' 2>/dev/null))

install: $(BIN) $(B)/completion/tcpconform
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/tcpconform
	install -m 644 doc/tcpconform.1 $(DESTDIR)$(MANDIR)/man1/tcpconform.1
	install -m 644 $(B)/completion/tcpconform $(DESTDIR)$(BASHCOMPDIR)/tcpconform
	$(Q)for f in $(DATA_FILES); do \
		m=644; [ -x "$$f" ] && m=755; \
		install -D -m $$m "$$f" "$(DESTDIR)$(DATADIR)/$$f" || exit 1; \
	done
	@echo "installed: $(DESTDIR)$(BINDIR)/tcpconform, its man page, bash completion, and $(DESTDIR)$(DATADIR)"

uninstall: uninstall-packetdrill-link
	rm -f $(DESTDIR)$(BINDIR)/tcpconform $(DESTDIR)$(MANDIR)/man1/tcpconform.1 \
		$(DESTDIR)$(BASHCOMPDIR)/tcpconform
	$(Q)for f in $(DATA_FILES); do rm -f "$(DESTDIR)$(DATADIR)/$$f"; done
	$(Q)if [ -d "$(DESTDIR)$(DATADIR)" ]; then \
		find "$(DESTDIR)$(DATADIR)" -depth -type d -empty -delete; fi

# packetdrill's name for the drop-in (doc/language.md, "In place of packetdrill"):
# made only where there is no packetdrill, or our own link already.
PD_LINK = $(DESTDIR)$(BINDIR)/packetdrill

install-packetdrill-link: install
	$(Q)if [ -L "$(PD_LINK)" ] && [ "$$(readlink "$(PD_LINK)")" = tcpconform ]; then \
		echo "$(PD_LINK) is already our link to tcpconform"; \
	elif [ -e "$(PD_LINK)" ] || [ -L "$(PD_LINK)" ]; then \
		echo "error: $(PD_LINK) exists and is not our link to tcpconform: not replaced (remove it first if you mean it)" >&2; \
		exit 1; \
	else \
		ln -s tcpconform "$(PD_LINK)" && echo "$(PD_LINK) -> tcpconform"; \
	fi

uninstall-packetdrill-link:
	$(Q)if [ -L "$(PD_LINK)" ] && [ "$$(readlink "$(PD_LINK)")" = tcpconform ]; then \
		rm -f "$(PD_LINK)"; fi

clean:
	rm -rf $(B) tcpconform

.PHONY: all check deps test-deps install uninstall install-packetdrill-link \
	uninstall-packetdrill-link build-deps-check clean unit example conformance baseline \
	vm-test-deps fuzz fuzz-harnesses fuzz-smoke matrix matrix-check FORCE
.DELETE_ON_ERROR:

-include $(wildcard $(B)/*.d $(B)/vm/*.d $(B)/tests/*.d $(B)/fuzz/*.d $(B)/init-objs/*.d \
	$(B)/init-objs/*/*.d $(B)/init-objs/*/*/*.d)
FORCE:
