# SPDX-License-Identifier: BSD-2-Clause
# pingerplot (pp): one GNU Makefile for every command, the library and the tests.
# See README.md; house rules in STYLE (flags, targets, layout).

VERSION := 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DOCDIR ?= $(PREFIX)/share/doc/pp
# make install as root gives the probers this file capability (as Debian's
# ping, fping and mtr-packet have it); SETCAP= (empty) leaves it out.
SETCAP ?= setcap

BUILD ?= build
# Where the commands are linked (the README runs bin/pp-stats straight after make).
BIN ?= bin
CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config
BATS ?= bats

# Commands that exist so far; each has cmd/<name>.c, man/<name>.1, completions.
TOOLS := pp-plot pp-stats pp-mos pp-alert pp-geo pp-probe pp-trace

# The library, listed by hand (one line per module).
LIB_SRCS := lib/atomic.c
LIB_SRCS += lib/cli.c
LIB_SRCS += lib/error.c
LIB_SRCS += lib/input.c
LIB_SRCS += lib/jsonw.c
LIB_SRCS += lib/record.c
LIB_SRCS += lib/outcome.c
LIB_SRCS += lib/model.c
LIB_SRCS += lib/keytab.c
LIB_SRCS += lib/reorder.c
LIB_SRCS += lib/trange.c
LIB_SRCS += lib/stream.c
LIB_SRCS += lib/sanitize.c
LIB_SRCS += lib/table.c
LIB_SRCS += lib/screen.c
LIB_SRCS += lib/hophist.c
LIB_SRCS += lib/runsum.c
LIB_SRCS += lib/summary.c
LIB_SRCS += lib/pingline.c
LIB_SRCS += lib/names.c
LIB_SRCS += lib/svg.c
LIB_SRCS += lib/axis.c
LIB_SRCS += lib/tgrid.c
LIB_SRCS += lib/colq.c
LIB_SRCS += lib/stats.c
LIB_SRCS += lib/fwdloss.c
LIB_SRCS += lib/outage.c
LIB_SRCS += lib/agg.c
LIB_SRCS += lib/merge.c
LIB_SRCS += lib/winset.c
LIB_SRCS += lib/intern.c
LIB_SRCS += lib/emodel.c
LIB_SRCS += lib/voice.c
LIB_SRCS += lib/jscan.c
LIB_SRCS += lib/alert.c
LIB_SRCS += lib/judge.c
LIB_SRCS += lib/notify.c
LIB_SRCS += lib/report.c
LIB_SRCS += lib/spawn.c
LIB_SRCS += lib/geo.c
LIB_SRCS += lib/rdns.c
LIB_SRCS += lib/enrich.c
LIB_SRCS += lib/pkt.c
LIB_SRCS += lib/net_linux.c
LIB_SRCS += lib/evloop.c
LIB_SRCS += lib/flowsock.c
LIB_SRCS += lib/rxdrops.c
LIB_SRCS += lib/engine.c
LIB_SRCS += lib/tsched.c
LIB_SRCS += lib/mtrpkt.c
LIB_SRCS += lib/mtrpkt_run.c
LIB_SRCS += lib/pace.c
LIB_SRCS += lib/overload.c
LIB_SRCS += lib/probecli.c
LIB_SRCS += lib/archive.c
LIB_SRCS += lib/plot.c
LIB_SRCS += lib/plot_svg.c
LIB_SRCS += lib/plot_marks.c
LIB_SRCS += lib/plot_map.c
LIB_SRCS += lib/plot_summary.c
LIB_SRCS += lib/plot_html.c
LIB_SRCS += lib/csv.c
LIB_SRCS += lib/export.c
LIB_SRCS += lib/export_influx.c
LIB_SRCS += lib/export_prom.c
LIB_SRCS += lib/statsout.c
LIB_SRCS += lib/http.c
LIB_SRCS += lib/tsdb.c
LIB_SRCS += lib/util.c
LIB_SRCS += lib/compat/getopt_long.c

# Unit tests: one file per lib module; the registry is generated from them.
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))

# Fuzz harnesses: libFuzzer builds (make fuzz), and replay builds
# (tests/fuzz/replay.c) that make check runs over the seed corpus.
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))

# Helper programs used by tests and benchmarks (not installed).
TEST_PROGS := tests/bench/gen
TEST_PROGS += tests/bench/linescan
TEST_PROGS += tests/lab/pp-impair

PP_CPPFLAGS := -I. -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DPP_VERSION='"$(VERSION)"' \
	-DPP_DATADIR='"$(DATADIR)/pp"'
PP_CFLAGS := -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wold-style-definition -Wpointer-arith -Wcast-qual \
	-Wwrite-strings -Wformat=2 -Wundef -Wvla -fno-common

# getopt_long: glibc and the BSDs have it; the bundled copy is used otherwise.
# A literal '#' through a variable: make 4.3 keeps the backslash of '\#'
# inside a function.
PP_HASH := \#
HAVE_GETOPT_LONG := $(shell printf '$(PP_HASH)include <getopt.h>\nint main(int c,char**v){return getopt_long(c,v,"",0,0);}\n' | \
	$(CC) -x c - -o /dev/null >/dev/null 2>&1 && echo 1)
ifeq ($(HAVE_GETOPT_LONG),1)
PP_CPPFLAGS += -DHAVE_GETOPT_LONG=1
endif

# Timer slack control (Linux prctl), for lib/pace.c's exact wake-ups.
HAVE_PR_SET_TIMERSLACK := $(shell printf '$(PP_HASH)include <sys/prctl.h>\nint main(void){return prctl(PR_SET_TIMERSLACK,1UL,0UL,0UL,0UL);}\n' | \
	$(CC) -x c - -o /dev/null >/dev/null 2>&1 && echo 1)
ifeq ($(HAVE_PR_SET_TIMERSLACK),1)
PP_CPPFLAGS += -DHAVE_PR_SET_TIMERSLACK=1
endif

# getrandom(2) for unpredictable temporary names (lib/atomic.c; else
# /dev/urandom).
HAVE_GETRANDOM := $(shell printf '$(PP_HASH)include <sys/random.h>\nint main(void){char b[1];return (int)getrandom(b,1,0);}\n' | \
	$(CC) -x c - -o /dev/null >/dev/null 2>&1 && echo 1)
ifeq ($(HAVE_GETRANDOM),1)
PP_CPPFLAGS += -DHAVE_GETRANDOM=1
endif

ifneq ($(shell command -v $(PKG_CONFIG) 2>/dev/null),)
PP_DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson zlib 2>/dev/null)
PP_DEPS_LIBS := $(shell $(PKG_CONFIG) --libs jansson zlib 2>/dev/null)
JANSSON_OK := $(shell $(PKG_CONFIG) --atleast-version=2.10 jansson && echo 1)
else
PP_DEPS_LIBS := -ljansson -lz
JANSSON_OK := 1
endif
ifeq ($(PP_DEPS_LIBS),)
PP_DEPS_LIBS := -ljansson -lz
endif
# ISA-L's inflate for gzip input when it is there (libisal-dev; README,
# "Dependencies": three times zlib's speed here), zlib's otherwise.
# ISAL=0 builds without it.
ISAL ?= $(shell $(PKG_CONFIG) --exists libisal 2>/dev/null && echo 1)
ifeq ($(ISAL),1)
PP_DEPS_CFLAGS += -DPP_HAVE_ISAL=1 $(shell $(PKG_CONFIG) --cflags libisal 2>/dev/null)
PP_DEPS_LIBS += $(or $(shell $(PKG_CONFIG) --libs libisal 2>/dev/null),-lisal)
endif
# Extra libraries a module needs are appended here by that module's line.
PP_EXTRA_LIBS := -lm -lmaxminddb -lcares -pthread

ALL_CFLAGS = $(PP_CPPFLAGS) $(CPPFLAGS) $(PP_CFLAGS) $(PP_DEPS_CFLAGS) $(CFLAGS)
ALL_LDLIBS = $(PP_DEPS_LIBS) $(PP_EXTRA_LIBS) $(LDLIBS)

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CMD_OBJS := $(TOOLS:%=$(BUILD)/cmd/%.o)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/tests/unit/main.o $(BUILD)/tests/unit/registry.o
TEST_OBJS := $(TEST_PROGS:%=$(BUILD)/%.o)
BINS := $(TOOLS:%=$(BIN)/%)
LIBPP := $(BUILD)/lib/libpp.a
UNIT := $(BUILD)/tests/unit/run
FUZZ_REPLAY := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=$(BUILD)/tests/fuzz/replay_%)

.PHONY: all deps check test check-unit check-bats asan ubsan lint hdrcheck bench \
	install install-files uninstall check-install clean sample demo fuzz pictures spdx

all: jansson-check $(BINS) $(TEST_PROGS:%=$(BUILD)/%)

jansson-check:
	@if [ "$(JANSSON_OK)" != 1 ]; then \
		echo "pp: jansson >= 2.10 is required (apt-get install libjansson-dev, or make deps)" >&2; exit 1; fi

.PHONY: jansson-check

# Rebuild everything when the flags change.
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(ALL_LDLIBS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(ALL_LDLIBS)' > $@
FORCE:

$(BUILD)/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBPP): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BINS): $(BIN)/%: $(BUILD)/cmd/%.o $(LIBPP)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBPP) $(ALL_LDLIBS)

$(TEST_PROGS:%=$(BUILD)/%): $(BUILD)/%: $(BUILD)/%.o $(LIBPP)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBPP) $(ALL_LDLIBS)

# The unit-test registry: every `void test_NAME(void)` in tests/unit/test_*.c.
$(BUILD)/tests/unit/registry.c: $(UNIT_SRCS) tests/unit/gen-registry.sh
	@mkdir -p $(@D)
	sh tests/unit/gen-registry.sh $(UNIT_SRCS) > $@.tmp && mv $@.tmp $@

$(BUILD)/tests/unit/registry.o: $(BUILD)/tests/unit/registry.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(UNIT): $(UNIT_OBJS) $(LIBPP)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(UNIT_OBJS) $(LIBPP) $(ALL_LDLIBS)

-include $(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(TEST_OBJS:.o=.d)
-include $(FUZZ_SRCS:%.c=$(BUILD)/%.d) $(BUILD)/tests/fuzz/replay.d

# ---------------------------------------------------------------- set-up
# Everything a fresh Debian machine lacks.  As root it runs apt-get itself;
# as another user through sudo (so `make deps` works on a machine with no
# sudo, as root, and for a user with sudo).
DEB_DEPS := build-essential pkg-config libjansson-dev zlib1g-dev libisal-dev bats bats-assert \
	bats-support jq mandoc python3 python3-jsonschema libxml2-utils librsvg2-bin chromium \
	libmaxminddb-dev libc-ares-dev mmdb-bin dnsmasq-base curl \
	iproute2 nftables iputils-ping traceroute fping mtr-tiny scamper time tcpdump libcap2-bin \
	clang libclang-rt-dev valgrind \
	prometheus prometheus-node-exporter influxdb victoria-metrics parallel systemd \
	python3-pandas libreoffice-calc-nogui python3-pyte
# DuckDB for the CSV test (tests/csv.bats), from the npm registry where npm
# is there (a binary inside the registry package; the test skips without).
NPM_DEPS := @duckdb/node-api@1.5.6-r.1
# The tests run their own servers (InfluxDB, node_exporter, dnsmasq) on
# loopback; installing the packages must not start the system's: a
# policy-rc.d refusing service starts is in place during the install (only
# when the machine has none of its own).
POLICY_RC ?= /usr/sbin/policy-rc.d
deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	rc=$(POLICY_RC); mine=; \
	if [ ! -e $$rc ]; then \
		printf '#!/bin/sh\nexit 101\n' | $$SUDO tee $$rc >/dev/null && \
		$$SUDO chmod 755 $$rc && mine=1; \
	fi; \
	$$SUDO apt-get update -qq && \
	$$SUDO apt-get install -y -qq --no-install-recommends $(DEB_DEPS); st=$$?; \
	if [ -n "$$mine" ]; then $$SUDO rm -f $$rc; fi; \
	if [ $$st = 0 ] && command -v npm >/dev/null 2>&1; then \
		$$SUDO npm install -g --no-fund --no-audit --loglevel=error $(NPM_DEPS); st=$$?; \
	elif [ $$st = 0 ]; then \
		echo "pp: no npm: DuckDB not installed (tests/csv.bats skips its DuckDB test)"; \
	fi; exit $$st

# The bundled sample archive: three minutes of pp-trace recorded in the
# network lab (root; see share/samples/README).
sample: all
	bash tests/lab/record-sample.sh $(CURDIR)/share/samples/sample.ndjson.gz $(CURDIR)/$(BIN)

# The README's first job: replay the bundled sample archive into a report.
demo: all
	$(BIN)/pp-stats -f table share/samples/sample.ndjson.gz
	$(BIN)/pp-mos -f table share/samples/sample.ndjson.gz
	@mkdir -p $(BUILD)/demo
	$(BIN)/pp-plot -o $(BUILD)/demo/latency.svg share/samples/sample.ndjson.gz
	$(BIN)/pp-plot -c timeline -o $(BUILD)/demo/timeline.svg share/samples/sample.ndjson.gz
	$(BIN)/pp-plot --html $(BUILD)/demo/report.html share/samples/sample.ndjson.gz
	@echo "pp: charts and an HTML report of the sample are in $(BUILD)/demo/"

# The README's pictures: every chart, from the bundled sample (the map from
# a test fixture that carries pp-geo locations), and a screenshot of the
# sample's HTML report (headless Chromium with no network: root).
pictures: all
	@mkdir -p share/doc
	for c in latency heatmap timeline summary; do \
		$(BIN)/pp-plot -c $$c -o share/doc/$$c.svg share/samples/sample.ndjson.gz || exit 1; \
	done
	PP_DATADIR=share $(BIN)/pp-plot -c map -o share/doc/map.svg tests/fixtures/pp-plot/trace.ndjson
	$(BIN)/pp-plot --html $(BUILD)/report.html share/samples/sample.ndjson.gz
	sh tests/screenshot.sh $(BUILD)/report.html share/doc/report.png 1100 1900

# ---------------------------------------------------------------- tests
test: check
check: all $(UNIT) $(FUZZ_REPLAY)
	@PP_BIN=$(abspath $(BIN)) BUILD=$(BUILD) BATS=$(BATS) sh tests/run-all.sh $(UNIT)

check-unit: $(UNIT)
	$(UNIT)

check-bats: all
	PP_BIN=$(abspath $(BIN)) BUILD=$(BUILD) $(BATS) tests/*.bats

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan:
	$(MAKE) BUILD=build/asan CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" BIN=build/asan/bin check
ubsan:
	$(MAKE) BUILD=build/ubsan CFLAGS="-O1 -g -fsanitize=undefined -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=undefined" BIN=build/ubsan/bin check

# libFuzzer harnesses (tests/fuzz/fuzz_*.c), built with clang in their own
# build directory, each run for FUZZ_SECONDS over its seed corpus; fails
# on a crash, a sanitizer report or a failed invariant.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 20
FUZZ_BUILD ?= build/fuzz
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/tests/fuzz/%)
fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) BIN=$(FUZZ_BUILD)/bin CC=$(FUZZ_CC) \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(SAN_FLAGS)" fuzz-run
fuzz-run: $(FUZZ_BINS)
	sh tests/fuzz/run.sh $(BUILD)/tests/fuzz $(FUZZ_SECONDS) $(FUZZ_SRCS:tests/fuzz/%.c=%)
$(FUZZ_BINS): $(BUILD)/tests/fuzz/%: $(BUILD)/tests/fuzz/%.o $(LIBPP)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(LIBPP) $(ALL_LDLIBS)
.PHONY: fuzz-run
$(FUZZ_REPLAY): $(BUILD)/tests/fuzz/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o \
		$(BUILD)/tests/fuzz/replay.o $(LIBPP)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(BUILD)/tests/fuzz/fuzz_$*.o \
		$(BUILD)/tests/fuzz/replay.o $(LIBPP) $(ALL_LDLIBS)

lint:
	$(MAKE) BUILD=build/lint BIN=build/lint/bin CFLAGS="-O2 -g -Werror" all
	@! grep -nE '\<(gets|strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atof|strncpy|alloca)[[:space:]]*\(' \
		lib/*.c lib/*.h lib/compat/*.c cmd/*.c || { echo "lint: banned function" >&2; exit 1; }
	@! grep -nE '\<(setuid|setresuid|cap_set_proc|SOCK_RAW)\>' cmd/*.c \
		$$(ls lib/*.c | grep -v '^lib/net_') || { echo "lint: privileged call outside lib/net_*.c" >&2; exit 1; }
	@if command -v mandoc >/dev/null; then mandoc -Tlint -Wwarning man/* ; fi
	$(MAKE) hdrcheck
	@$(MAKE) --no-print-directory spdx

# Every source file of the project's own (code, scripts, tests, man pages,
# completions, examples) names its licence in its first lines (LICENSE).
SPDX_FILES = Makefile .ci/run share/mtr-packet $(shell find cmd lib tests \
	completions man share/examples -type f \( -name '*.[ch]' -o -name '*.sh' \
	-o -name '*.py' -o -name '*.bats' -o -name '*.bash' -o -path 'completions/*' \
	-o -path 'man/*' -o -name '*.service' -o -name '*.timer' -o -name '*.cron' \
	-o -name '*.yml' \) -not -path 'tests/fuzz/corpus/*' -not -path 'tests/fixtures/*')
spdx:
	@bad=; for f in $(SPDX_FILES); do \
		head -5 "$$f" | grep -q 'SPDX-License-Identifier: BSD-2-Clause' || bad="$$bad $$f"; \
	done; \
	if [ -n "$$bad" ]; then echo "lint: no SPDX-License-Identifier line in:$$bad" >&2; exit 1; fi; \
	echo "spdx: ok"

hdrcheck:
	@for h in lib/*.h lib/compat/*.h; do \
		printf '#include "%s"\n#include "%s"\nint pp_hdrcheck_;\n' $$h $$h | \
		$(CC) $(ALL_CFLAGS) -Werror -x c -fsyntax-only - || { echo "hdrcheck: $$h" >&2; exit 1; }; \
	done; echo "hdrcheck: ok"

bench: all
	sh tests/bench/run.sh $(BIN) $(BUILD)
	sh tests/bench/plot.sh $(BIN)
	sh tests/bench/geo.sh $(BIN)
	bash tests/bench/probe.sh $(BIN) $(BUILD)
	bash tests/bench/rate.sh $(BIN) $(BUILD)
	bash tests/bench/trace.sh $(BIN) $(BUILD)
	bash tests/bench/longrun.sh $(BIN) $(BUILD)
	sh tests/bench/pairs.sh $(BIN) $(BUILD)

# ---------------------------------------------------------------- install
# install-files copies what `all` built (tests/install.bats runs it alone,
# on the binaries under test).  As root, pp-probe and pp-trace get the file
# capability cap_net_raw, which they drop once their sockets are open
# (README, "Installing").
install: all
	@$(MAKE) --no-print-directory install-files

install-files:
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(DATADIR)/pp $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 README.md LICENSE $(DESTDIR)$(DOCDIR)
	install -m 644 $(TOOLS:%=man/%.1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/pp-records.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/pp.7 $(DESTDIR)$(MANDIR)/man7
	cd share && find . -type d -exec install -d $(DESTDIR)$(DATADIR)/pp/{} \; && \
		find . -type f -exec install -m 644 {} $(DESTDIR)$(DATADIR)/pp/{} \;
	install -m 755 share/mtr-packet $(DESTDIR)$(DATADIR)/pp/mtr-packet
	for t in $(TOOLS); do \
		install -m 644 completions/bash/$$t $(DESTDIR)$(BASHCOMPDIR)/$$t; \
		install -m 644 completions/zsh/_$$t $(DESTDIR)$(ZSHCOMPDIR)/_$$t; \
		install -m 644 completions/fish/$$t.fish $(DESTDIR)$(FISHCOMPDIR)/$$t.fish; \
	done
	@if [ -z "$(SETCAP)" ]; then \
		echo "pp: SETCAP empty: pp-probe and pp-trace installed without cap_net_raw"; \
	elif [ "$$(id -u)" = 0 ]; then \
		for t in pp-probe pp-trace; do \
			echo "$(SETCAP) cap_net_raw+ep $(DESTDIR)$(BINDIR)/$$t"; \
			$(SETCAP) cap_net_raw+ep $(DESTDIR)$(BINDIR)/$$t || \
			echo "pp: warning: no cap_net_raw on $$t: users probe ICMP only where net.ipv4.ping_group_range allows (README, Installing)" >&2; \
		done; \
	else \
		echo "pp: not root: pp-probe and pp-trace installed without cap_net_raw (README, Installing)"; \
	fi

uninstall:
	for t in $(TOOLS); do \
		rm -f $(DESTDIR)$(BINDIR)/$$t $(DESTDIR)$(MANDIR)/man1/$$t.1 \
		$(DESTDIR)$(BASHCOMPDIR)/$$t $(DESTDIR)$(ZSHCOMPDIR)/_$$t \
		$(DESTDIR)$(FISHCOMPDIR)/$$t.fish; \
	done
	rm -f $(DESTDIR)$(MANDIR)/man5/pp-records.5 $(DESTDIR)$(MANDIR)/man7/pp.7
	rm -rf $(DESTDIR)$(DATADIR)/pp $(DESTDIR)$(DOCDIR)

check-install:
	rm -rf $(BUILD)/pkg
	$(MAKE) install DESTDIR=$(CURDIR)/$(BUILD)/pkg
	$(MAKE) uninstall DESTDIR=$(CURDIR)/$(BUILD)/pkg
	@left=$$(find $(BUILD)/pkg -type f | head -5); \
	if [ -n "$$left" ]; then echo "check-install: left behind: $$left" >&2; exit 1; fi; \
	echo "check-install: ok"

clean:
	rm -rf $(BUILD) $(BIN)
