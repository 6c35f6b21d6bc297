# tests/bench/build.mk: `make bench` — the bench programs and the run that
# prints one table and writes $(BUILD)/bench/results.json. See
# docs/PERFORMANCE.md.

BENCH_DIR      := $(BUILD)/bench
BENCH_SUITES   := bench_latency bench_idle bench_storm bench_timers \
	bench_review
BENCH_PROGRAMS := $(addprefix $(BENCH_DIR)/, $(BENCH_SUITES) bench_load \
	bench_relay)
BENCH_OBJS     := $(BUILD)/tests/bench/bench.o $(BUILD)/tests/support/sys.o
BENCH_LIBS      = $(LIB_PAHO) $(LIB_CJSON) $(LIB_CONFIG) $(LIB_SQLITE) -lm

$(BENCH_PROGRAMS): $(BENCH_DIR)/%: $(BUILD)/tests/bench/%.o $(BENCH_OBJS) \
		$(COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(BENCH_LIBS)

# The history generator makes its schema with the hub's own store.c (its
# migrations), so it links the hub's store and what that needs.
GEN_HISTORY := $(BENCH_DIR)/gen_history
$(GEN_HISTORY): $(BUILD)/tests/bench/gen_history.o $(BUILD)/hub/store.o \
		$(BUILD)/hub/incident.o $(PANICCTL_HUB_OBJS) $(COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(BENCH_LIBS)

bench: all $(BENCH_PROGRAMS) $(GEN_HISTORY)
	@bash tests/bench/run $(BIN) $(BENCH_DIR)

$(BUILD)/tests/bench/%.o: ALL_CFLAGS += -Itests/support
$(BUILD)/tests/bench/gen_history.o: ALL_CFLAGS += -Ihub
