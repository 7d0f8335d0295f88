# SPDX-License-Identifier: GPL-2.0-only
#
# Makefile - build mxguard into $(OUTPUT) (default build/); `make help`
# lists the targets. Quiet by default; V=1 prints every command.

OUTPUT ?= build
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= /etc/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

CC ?= gcc
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-9s %s\n' "$(1)" "$(patsubst $(OUTPUT)/%,%,$(2))";
endif

# Warnings follow bpftool's list; WERROR=1 (set by .ci/run) makes them fatal.
WARNINGS := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wpointer-arith \
	-Wundef -Wno-unused-parameter -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

CFLAGS ?= -O2 -g
ALL_CFLAGS := $(CFLAGS) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) \
	-DMXG_VERSION='"$(VERSION)"' \
	-Iinclude -Iuser/lib -I$(OUTPUT) -MMD -MP
LDLIBS := -lbpf -lelf -lz -lcares -lm

BPF_CFLAGS := -g -O2 --target=bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) \
	-Iinclude -Ibpf -I$(OUTPUT) -Wall -Wno-unused-function
ifneq ($(MULTIARCH),)
BPF_CFLAGS += -I/usr/include/$(MULTIARCH)
endif

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))

LIB_SRCS := $(wildcard user/lib/*.c)
LIB_OBJS := $(patsubst user/%.c,$(OUTPUT)/obj/%.o,$(LIB_SRCS))
LIB := $(OUTPUT)/libmxguard.a

CTL_SRCS := $(wildcard user/ctl/*.c)
CTL_OBJS := $(patsubst user/%.c,$(OUTPUT)/obj/%.o,$(CTL_SRCS))
DAEMON_SRCS := $(wildcard user/daemon/*.c)
DAEMON_OBJS := $(patsubst user/%.c,$(OUTPUT)/obj/%.o,$(DAEMON_SRCS))

TEST_SRCS := $(wildcard selftests/prog_tests/*.c)
TEST_OBJS := $(patsubst selftests/%.c,$(OUTPUT)/obj/selftests/%.o,$(TEST_SRCS)) \
	$(OUTPUT)/obj/selftests/test_progs.o
TEST_PROGS := $(OUTPUT)/selftests/test_progs

PROGRAMS := $(OUTPUT)/mxguard
ifneq ($(DAEMON_SRCS),)
PROGRAMS += $(OUTPUT)/mxguardd
endif

.DELETE_ON_ERROR:
.PHONY: all check selftests install uninstall clean help deps demo bench \
	check-kernels kernels-progs

all: $(PROGRAMS)

help:
	@echo 'Targets:'
	@echo '  all            build build/mxguard and build/mxguardd (default)'
	@echo '  deps           install the build and test dependencies (apt-get, root)'
	@echo '  check          deps, all, selftests, then run every test (root)'
	@echo '  selftests      build the test programs only'
	@echo '  check-kernels  run the BPF tests on Debian kernels under QEMU'
	@echo '  demo           run the Postfix/Dovecot/rbldnsd lab story (root)'
	@echo '  bench          run the benchmarks into build/bench/ (root)'
	@echo '  fuzz           run libFuzzer on the log parsers (FUZZ_TIME=60 s)'
	@echo '  install        install programs, man pages, unit and example config'
	@echo '  clean          remove build/'
	@echo 'Variables: V=1 shows commands, OUTPUT=DIR, PREFIX=DIR, DESTDIR=DIR,'
	@echo '  WERROR=1 makes warnings fatal, VMLINUX_BTF=FILE, TESTS=PATTERN'

deps:
	$(Q)scripts/install-deps.sh

# --- BPF objects and skeletons ---------------------------------------------

$(OUTPUT) $(OUTPUT)/bpf $(OUTPUT)/selftests:
	$(Q)mkdir -p $@

$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(OUTPUT)/bpf/%.tmp.o: bpf/%.bpf.c $(wildcard bpf/*.h) include/mxguard_abi.h | $(OUTPUT)/bpf
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# conn.bpf.c attaches to a tracepoint and an iterator, which take kernel types.
$(OUTPUT)/bpf/conn.tmp.o: $(OUTPUT)/vmlinux.h

$(OUTPUT)/bpf/%.bpf.o: $(OUTPUT)/bpf/%.tmp.o
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $<
	$(Q)$(LLVM_STRIP) -g $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

# --- user space ------------------------------------------------------------

$(OUTPUT)/obj/%.o: user/%.c $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(OUTPUT)/mxguard: $(CTL_OBJS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CTL_OBJS) $(LIB) $(LDLIBS)

$(OUTPUT)/mxguardd: $(DAEMON_OBJS) $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(DAEMON_OBJS) $(LIB) $(LDLIBS)

# --- tests -----------------------------------------------------------------

# One runner holds every C test; tests.h lists the test_<name>() functions.
$(OUTPUT)/selftests/tests.h: $(TEST_SRCS) | $(OUTPUT)/selftests
	$(call msg,GEN,$@)
	$(Q)grep -ho '^void test_[a-z0-9_]*(void)' $(TEST_SRCS) /dev/null | \
		sed 's/^void test_\([a-z0-9_]*\)(void)/DEFINE_TEST(\1)/' > $@.tmp
	$(Q)cmp -s $@.tmp $@ 2>/dev/null && rm -f $@.tmp || mv $@.tmp $@

$(OUTPUT)/obj/selftests/%.o: selftests/%.c $(SKELS) $(OUTPUT)/selftests/tests.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Iselftests -I$(OUTPUT)/selftests -c $< -o $@

$(TEST_PROGS): $(TEST_OBJS) $(LIB) $(BPF_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TEST_OBJS) $(LIB) $(LDLIBS)

# Static runners for selftests/kernels/run.sh, which boots each kernel with
# nothing but an initramfs; Debian ships every library as an archive.
KMATRIX_PROGS := $(OUTPUT)/selftests/test_progs.static \
	$(OUTPUT)/selftests/veth_native.static

$(OUTPUT)/selftests/test_progs.static: $(TEST_OBJS) $(LIB) $(BPF_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -static -o $@ $(TEST_OBJS) $(LIB) $(LDLIBS)

$(OUTPUT)/selftests/veth_native.static: $(OUTPUT)/obj/selftests/kernels/veth_native.o $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -static -o $@ $< $(LIB) $(LDLIBS)

kernels-progs: $(KMATRIX_PROGS)

selftests: all $(TEST_PROGS)

check: deps
	$(Q)$(MAKE) --no-print-directory all selftests
	$(Q)OUTPUT=$(OUTPUT) selftests/run.sh $(TESTS)

check-kernels: kernels-progs
	$(Q)OUTPUT=$(OUTPUT) selftests/kernels/run.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)OUTPUT=$(OUTPUT) scripts/demo.sh

# Benchmark programs: one per scripts/bench/*.c, linked with the library.
BENCH_PROGS := $(patsubst scripts/bench/%.c,$(OUTPUT)/bench/%,$(wildcard scripts/bench/*.c))

$(OUTPUT)/bench/%: scripts/bench/%.c $(wildcard scripts/bench/*.h) $(LIB) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Iselftests -o $@ $< $(LIB) $(LDLIBS)

bench: deps
	$(Q)$(MAKE) --no-print-directory all selftests $(BENCH_PROGS)
	$(Q)OUTPUT=$(OUTPUT) scripts/bench/run.sh

# fuzz - run libFuzzer on the log parsers for FUZZ_TIME seconds (ASan, UBSan)
.PHONY: fuzz
FUZZ_TIME ?= 60
fuzz:
	$(Q)mkdir -p $(OUTPUT)/fuzz/corpus
	$(call msg,CLANG,$(OUTPUT)/fuzz/logparse_fuzz)
	$(Q)$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
		-Iinclude -Iuser/lib selftests/fuzz/logparse_fuzz.c \
		user/lib/logparse.c user/lib/lp_*.c user/lib/addr.c \
		-o $(OUTPUT)/fuzz/logparse_fuzz
	$(Q)$(OUTPUT)/fuzz/logparse_fuzz -max_total_time=$(FUZZ_TIME) \
		-max_len=16384 $(OUTPUT)/fuzz/corpus selftests/corpus/fail2ban-samples

# --- install ---------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(COMPLETIONDIR)
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(SBINDIR)/
	install -m 0644 docs/*.8 $(DESTDIR)$(MANDIR)/man8/
	for f in docs/*.5; do [ -e "$$f" ] || continue; \
		install -m 0644 "$$f" $(DESTDIR)$(MANDIR)/man5/; done
	install -m 0644 scripts/bash-completion/mxguard $(DESTDIR)$(COMPLETIONDIR)/mxguard
	if [ -e scripts/mxguardd.service ]; then \
		install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/mxguard; \
		sed 's|/usr/local/sbin|$(SBINDIR)|g' scripts/mxguardd.service \
			> $(DESTDIR)$(UNITDIR)/mxguardd.service; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/mxguardd.service; \
		[ -e $(DESTDIR)$(SYSCONFDIR)/mxguard/mxguard.conf ] || \
		install -m 0644 scripts/mxguard.conf.example \
			$(DESTDIR)$(SYSCONFDIR)/mxguard/mxguard.conf; \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/mxguard $(DESTDIR)$(SBINDIR)/mxguardd \
		$(DESTDIR)$(MANDIR)/man8/mxguard*.8 \
		$(DESTDIR)$(MANDIR)/man5/mxguard*.5 \
		$(DESTDIR)$(COMPLETIONDIR)/mxguard \
		$(DESTDIR)$(UNITDIR)/mxguardd.service

clean:
	$(call msg,CLEAN,$(OUTPUT))
	$(Q)rm -rf $(OUTPUT)

-include $(LIB_OBJS:.o=.d) $(CTL_OBJS:.o=.d) $(DAEMON_OBJS:.o=.d) $(TEST_OBJS:.o=.d) \
	$(OUTPUT)/obj/selftests/kernels/veth_native.d
