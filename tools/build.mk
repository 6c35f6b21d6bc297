# tools/build.mk: panicctl, the tool for managers, supervisors and installers.

# panicctl links counterd's config reader (for `press`) and outbox (for
# `outbox`, read-only), and hubd's config
# reader and rules (for everything else).
PANICCTL_HUB_OBJS := $(addprefix $(BUILD)/hub/, conf.o conf_sched.o \
	conf_print.o conf_lint.o conf_web.o conf_notify.o rules.o)

# Everything but main: the unit tests link these too.
PANICCTL_LIB_OBJS := $(addprefix $(BUILD)/tools/, cmd_press.o ctl.o db.o \
	period.o stats.o table.o staffing.o coverage.o cmd_report.o \
	cmd_incidents.o cmd_care.o cmd_check.o cmd_status.o cmd_pager.o \
	cmd_outbox.o cmd_ids.o) \
	$(addprefix $(BUILD)/firmware/, conf.o button.o outbox.o journal.o) \
	$(PANICCTL_HUB_OBJS)
PANICCTL_OBJS := $(BUILD)/tools/panicctl.o $(PANICCTL_LIB_OBJS)

$(BIN)/panicctl: $(PANICCTL_OBJS) $(COMMON_OBJS)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_PAHO) $(LIB_CONFIG) $(LIB_CJSON) \
		$(LIB_SQLITE)

# Unit tests of panicctl's pure modules: tests/unit/tools/test_*.c, built
# like the other unit tests into $(BUILD)/tests/unit/ where the runner
# finds them. (tests/build.mk picks up common/, firmware/ and hub/ only.)
UNIT_TOOLS := $(basename $(notdir $(wildcard tests/unit/tools/test_*.c)))
UNIT_TOOLS_PROGRAMS := $(addprefix $(BUILD)/tests/unit/, $(UNIT_TOOLS))

$(UNIT_TOOLS_PROGRAMS): $(BUILD)/tests/unit/%: $(BUILD)/tests/unit/tools/%.o \
		$(PANICCTL_LIB_OBJS) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

$(BUILD)/tests/unit/tools/%.o: ALL_CFLAGS += -Itools -Ihub

test-programs: $(UNIT_TOOLS_PROGRAMS)
