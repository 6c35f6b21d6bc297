# tools/build.mk: panicctl, the tool for managers, supervisors and installers.

# panicctl links counterd's config reader (for `press`) and hubd's (for
# everything else). Both name their loader conf_load and their printer
# conf_print, so the hub's objects are copied with those two renamed to
# hubconf_load and hubconf_print (tools/hubconf.h); neither daemon changes.
OBJCOPY ?= objcopy
PANICCTL_HUB_OBJS := $(addprefix $(BUILD)/tools/hub/, conf.o conf_sched.o \
	conf_print.o rules.o)

$(BUILD)/tools/hub/%.o: $(BUILD)/hub/%.o
	@mkdir -p $(dir $@)
	$(OBJCOPY) --redefine-sym conf_load=hubconf_load \
		--redefine-sym conf_print=hubconf_print $< $@

# Everything but main: the unit tests link these too.
PANICCTL_LIB_OBJS := $(addprefix $(BUILD)/tools/, cmd_press.o ctl.o db.o \
	period.o stats.o table.o staffing.o coverage.o cmd_report.o \
	cmd_incidents.o cmd_care.o cmd_check.o cmd_status.o cmd_pager.o) \
	$(addprefix $(BUILD)/firmware/, conf.o button.o) $(PANICCTL_HUB_OBJS)
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
