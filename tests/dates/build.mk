# tests/dates/build.mk: `make test-dates` — the date matrix: the demo and
# the date- and time-sensitive tests at chosen instants under libfaketime,
# in the branch's zone or in one with daylight saving, with the machine's
# own TZ elsewhere (tests/dates/run; docs/TESTING.md#the-date-matrix).

DATES_PROG := $(BUILD)/tests/dates/test_site_switch

$(BUILD)/tests/dates/%.o: ALL_CFLAGS += -Itests/integration -Itests/support

$(DATES_PROG): $(BUILD)/tests/dates/test_site_switch.o $(HARNESS_OBJS) \
		$(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

test-programs: $(DATES_PROG)

test-dates: deps
	@sh tools/install-deps dates
	@$(MAKE) --no-print-directory all test-programs
	@bash tests/dates/run $(BIN) $(BUILD)/tests $(DATES)

.PHONY: test-dates
