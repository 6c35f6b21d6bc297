# Makefile: builds bin/counterd, bin/hubd and bin/panicctl, and runs the
# tests, the demo, the sanitizer builds and the fuzzers. Each directory
# lists its own objects in its build.mk.

BUILD	?= build
BIN	?= bin
SANFLAGS ?=

PKGS	:= libgpiod libconfig libcjson sqlite3 libmicrohttpd nettle libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) cmocka 2>/dev/null)
LIB_GPIOD  := $(shell pkg-config --libs libgpiod 2>/dev/null)
LIB_CONFIG := $(shell pkg-config --libs libconfig 2>/dev/null)
LIB_CJSON  := $(shell pkg-config --libs libcjson 2>/dev/null)
LIB_SQLITE := $(shell pkg-config --libs sqlite3 2>/dev/null)
LIB_CMOCKA := $(shell pkg-config --libs cmocka 2>/dev/null)
LIB_MHD    := $(shell pkg-config --libs libmicrohttpd 2>/dev/null)
LIB_NETTLE := $(shell pkg-config --libs nettle 2>/dev/null)
LIB_CURL   := $(shell pkg-config --libs libcurl 2>/dev/null)
# No Paho library on the link line: common/mqtt.c loads libpaho-mqtt3a or,
# for TLS, libpaho-mqtt3as at run time (dlopen), so that a plain client
# never maps libssl and libcrypto. -ldl is empty in glibc >= 2.34.
LIB_PAHO   := -ldl -lpthread

WARN	:= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wmissing-declarations -Wold-style-definition \
	   -Wformat=2 -Wpointer-arith -Wvla -Wundef -Wwrite-strings \
	   -Wcast-align -Wimplicit-fallthrough
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -MMD -MP $(WARN) $(CFLAGS) $(SANFLAGS) \
	     -Icommon $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

COMMON_OBJS := $(addprefix $(BUILD)/common/, log.o clock.o proto.o mqtt.o \
	login.o cfg.o daemon_opts.o ratelim.o lockfile.o)

PROGRAMS := $(BIN)/counterd $(BIN)/hubd $(BIN)/panicctl

all: $(PROGRAMS)

include firmware/build.mk
include hub/build.mk
include tools/build.mk
include tests/build.mk
include tests/bench/build.mk
include tests/fuzz/build.mk
include tests/faults/build.mk
include tests/hil/build.mk
include tests/dates/build.mk

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Everything a fresh Debian 12 machine lacks; silent when all is there.
deps:
	@sh tools/install-deps

# The same programs and tests with AddressSanitizer and UBSan, built apart
# so the plain build is untouched.
ASAN_VARS := BUILD=build/asan BIN=build/asan/bin \
	SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	CFLAGS="-O1 -g"

asan:
	@$(MAKE) --no-print-directory $(ASAN_VARS) all test-programs

test: deps
	@$(MAKE) --no-print-directory all test-programs
	@sh tests/run-all $(BIN) $(BUILD)/tests

test-asan: deps
	@$(MAKE) --no-print-directory $(ASAN_VARS) all test-programs
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 sh tests/run-all build/asan/bin build/asan/tests

# The integration suite once with counterd, hubd and panicctl under
# valgrind's memcheck; slow (not in CI). docs/RELIABILITY.md.
valgrind: deps
	@sh tools/install-deps valgrind
	@$(MAKE) --no-print-directory all test-programs
	@bash tests/valgrind/run $(BIN) $(BUILD)

demo: deps
	@$(MAKE) --no-print-directory all
	@bash tools/demo $(if $(TLS),--tls) $(BIN)

clean:
	rm -rf build bin $(BUILD) $(BIN)

# keep objects that pattern rules make on the way to a test program
.SECONDARY:

.PHONY: all deps asan test test-asan demo clean test-programs bench valgrind

-include $(shell find $(BUILD) \( -path $(BUILD)/asan -o -path $(BUILD)/fuzz \) -prune -o -name '*.d' -print 2>/dev/null)
