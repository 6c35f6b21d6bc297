# tests/hil/build.mk: `make hil`, counterd's libgpiod backend against a
# real kernel GPIO chip (gpio-sim) in a QEMU guest; docs/HIL.md. Not part
# of `make test`: it needs its own packages (make hil-deps) and a boot.

HIL_OBJS := $(addprefix $(BUILD)/tests/hil/, hil.o vm.o)

$(BUILD)/tests/hil/%.o: ALL_CFLAGS += -Itests/integration -Itests/support

$(BUILD)/tests/hil/hil: $(HIL_OBJS) $(HARNESS_OBJS) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

hil-deps:
	@sh tools/install-deps hil

hil: hil-deps
	@$(MAKE) --no-print-directory all $(BUILD)/tests/hil/hil
	@sh tests/hil/run build/hil $(BIN) $(BUILD)/tests/hil/hil

.PHONY: hil hil-deps
