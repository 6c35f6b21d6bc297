# tests/fuzz/build.mk: the fuzz targets (docs/RELIABILITY.md). Each
# tests/fuzz/fuzz_<target>.c is linked twice against the project's own
# objects: by clang with libFuzzer into build/fuzz/fuzz_<target> (`make
# fuzz`, `make fuzz-smoke`), and by the normal build into the replay test
# $(BUILD)/tests/fuzz/test_fuzz_<target> that `make test` runs over the
# seeds and the regression inputs.

FUZZ_PROTO_TARGETS := event status feedback page reply incident \
	hub_status maint
FUZZ_TARGETS := $(FUZZ_PROTO_TARGETS) topic counterd_conf hubd_conf \
	period filter http_ack

# What each target links besides the shared objects.
$(foreach t,$(FUZZ_PROTO_TARGETS),\
	$(eval FUZZ_OBJS_$(t) := $(BUILD)/tests/fuzz/fuzz_proto.o))
FUZZ_OBJS_counterd_conf := $(BUILD)/tests/fuzz/fuzz_config.o \
	$(COUNTERD_LIB_OBJS)
FUZZ_OBJS_hubd_conf := $(BUILD)/tests/fuzz/fuzz_config.o $(HUBD_LIB_OBJS)
FUZZ_OBJS_http_ack := $(BUILD)/hub/acklink.o $(BUILD)/hub/web_form.o
FUZZ_OBJS_period := $(PANICCTL_LIB_OBJS)
FUZZ_OBJS_filter := $(PANICCTL_LIB_OBJS)

FUZZ_SHARED := $(BUILD)/tests/fuzz/fuzz_util.o $(COMMON_OBJS)
FUZZ_LIBS = $(LIB_PAHO) $(LIB_CJSON) $(LIB_CONFIG) $(LIB_SQLITE) \
	$(LIB_GPIOD) -lm
FUZZ_REPLAY := $(addprefix $(BUILD)/tests/fuzz/test_fuzz_, $(FUZZ_TARGETS))

$(BUILD)/tests/fuzz/fuzz_counterd_conf.o: ALL_CFLAGS += -Ifirmware
$(BUILD)/tests/fuzz/fuzz_hubd_conf.o $(BUILD)/tests/fuzz/fuzz_http_ack.o: \
	ALL_CFLAGS += -Ihub
# hubd's modules bring the web server's and the notifier's libraries
$(BUILD)/tests/fuzz/test_fuzz_hubd_conf $(BUILD)/fuzz_hubd_conf: \
	FUZZ_LIBS += $(HUB_TEST_LIBS)
$(BUILD)/tests/fuzz/test_fuzz_http_ack $(BUILD)/fuzz_http_ack: \
	FUZZ_LIBS += $(LIB_NETTLE)
$(BUILD)/tests/fuzz/fuzz_period.o $(BUILD)/tests/fuzz/fuzz_filter.o: \
	ALL_CFLAGS += -Itools -Ihub

define FUZZ_LINKS
$(BUILD)/tests/fuzz/test_fuzz_$(1): $(BUILD)/tests/fuzz/fuzz_$(1).o \
		$(BUILD)/tests/fuzz/replay.o $(FUZZ_OBJS_$(1)) $(FUZZ_SHARED)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(FUZZ_LIBS)
$(BUILD)/fuzz_$(1): $(BUILD)/tests/fuzz/fuzz_$(1).o $(FUZZ_OBJS_$(1)) \
		$(FUZZ_SHARED)
	$$(CC) $$(ALL_LDFLAGS) -fsanitize=fuzzer -o $$@ $$^ $$(FUZZ_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_LINKS,$(t))))

test-programs: $(FUZZ_REPLAY)
fuzz-programs: $(addprefix $(BUILD)/fuzz_, $(FUZZ_TARGETS))

# The clang build: the project's objects and the targets, instrumented for
# libFuzzer (coverage), ASan and UBSan; every finding aborts. Three of
# clang's warnings are off: they flag idioms gcc accepts and the project
# uses on purpose (stores through offsetof in cfg.c, "fall through"
# comments, log.c's vprintf wrapper), and the gcc build checks the rest.
FUZZ_CLANG_NOWARN := -Wno-cast-align -Wno-implicit-fallthrough \
	-Wno-format-nonliteral
FUZZ_VARS := BUILD=build/fuzz CC=clang \
	CFLAGS="-O1 -g $(FUZZ_CLANG_NOWARN)" \
	SANFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
FUZZ_SECONDS ?= 60

fuzz-deps:
	@sh tools/install-deps fuzz

fuzz-build: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_VARS) fuzz-programs

# Each target for FUZZ_SECONDS, one after another; a table on stdout and
# in build/fuzz/results.txt. Fails if any target crashed.
fuzz: fuzz-build
	@bash tests/fuzz/run build/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# What CI runs: every target briefly.
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5

.PHONY: fuzz fuzz-deps fuzz-build fuzz-programs fuzz-smoke
