# tests/faults/build.mk: `make faults` — the fault-injection driver on the
# integration harness. FAULT_TRIALS trials (default 100), FAULT_SEED to
# replay; a bounded run of it is part of `make test` (tests/run-all).
# See docs/RELIABILITY.md.

FAULT_TRIALS ?= 100
FAULT_SEED   ?=
FAULTS_PROG  := $(BUILD)/tests/faults/faults
FAULTS_OBJS  := $(addprefix $(BUILD)/tests/faults/, faults.o plan.o trial.o \
	check.o)

$(BUILD)/tests/faults/%.o: ALL_CFLAGS += -Itests/integration \
	-Itests/support -Ifirmware

$(FAULTS_PROG): $(FAULTS_OBJS) $(HARNESS_OBJS) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

test-programs: $(FAULTS_PROG)

faults: deps
	@$(MAKE) --no-print-directory all $(FAULTS_PROG)
	@PANIC_BIN=$(abspath $(BIN)) $(FAULTS_PROG) --trials $(FAULT_TRIALS) \
		$(if $(FAULT_SEED),--seed $(FAULT_SEED))

.PHONY: faults
