# firmware/build.mk: counterd, the counter board daemon.

COUNTERD_LIB_OBJS := $(addprefix $(BUILD)/firmware/, conf.o button.o \
	outputs.o outbox.o journal.o gpio.o gpio_sim.o gpio_gpiod.o)
COUNTERD_OBJS := $(BUILD)/firmware/counterd.o $(COUNTERD_LIB_OBJS)

$(BIN)/counterd: $(COUNTERD_OBJS) $(COMMON_OBJS)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_PAHO) $(LIB_GPIOD) $(LIB_CONFIG) \
		$(LIB_CJSON)

# The unit tests include the firmware's own headers.
$(BUILD)/tests/unit/firmware/%.o: ALL_CFLAGS += -Ifirmware

# A disk that fills up on demand: the outbox test wraps the calls the
# journal writes with.
$(BUILD)/tests/unit/test_outbox: \
	ALL_LDFLAGS += -Wl,--wrap=pwrite -Wl,--wrap=fdatasync
