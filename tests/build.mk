# tests/build.mk: unit tests (cmocka) per module, and integration tests that
# run the real binaries against a real mosquitto.

UNIT_COMMON   := $(basename $(notdir $(wildcard tests/unit/common/test_*.c)))
UNIT_FIRMWARE := $(basename $(notdir $(wildcard tests/unit/firmware/test_*.c)))
UNIT_HUB      := $(basename $(notdir $(wildcard tests/unit/hub/test_*.c)))
INTEGRATION   := $(basename $(notdir $(wildcard tests/integration/test_*.c)))

HARNESS_OBJS := $(BUILD)/tests/integration/harness.o \
	$(BUILD)/tests/integration/fixtures.o $(BUILD)/tests/integration/http.o \
	$(BUILD)/tests/integration/sitetime.o \
	$(BUILD)/tests/support/sys.o \
	$(addprefix $(BUILD)/tests/support/, recv.o recv_http.o recv_smtp.o) \
	$(BUILD)/firmware/outbox.o $(BUILD)/firmware/journal.o

# tests/support: process and port chores shared with the benchmarks
$(BUILD)/tests/integration/%.o: ALL_CFLAGS += -Itests/support
# harness.c reads boards' outboxes through firmware/outbox.c, read-only
$(BUILD)/tests/integration/harness.o: ALL_CFLAGS += -Ifirmware

TEST_PROGRAMS := $(addprefix $(BUILD)/tests/unit/, $(UNIT_COMMON) \
	$(UNIT_FIRMWARE) $(UNIT_HUB)) \
	$(addprefix $(BUILD)/tests/integration/, $(INTEGRATION))

TEST_LIBS = $(LIB_CMOCKA) $(LIB_PAHO) $(LIB_CJSON) $(LIB_CONFIG) \
	$(LIB_SQLITE) $(LIB_GPIOD) -lm
# Only what links hubd's web and notifier modules gets their libraries:
# libcurl brings libssl, and test_mqtt checks that a plain client never
# maps it.
HUB_TEST_LIBS = $(LIB_MHD) $(LIB_NETTLE) $(LIB_CURL)

test-programs: $(TEST_PROGRAMS)

$(addprefix $(BUILD)/tests/unit/, $(UNIT_COMMON)): $(BUILD)/tests/unit/%: \
		$(BUILD)/tests/unit/common/%.o $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

$(addprefix $(BUILD)/tests/unit/, $(UNIT_FIRMWARE)): $(BUILD)/tests/unit/%: \
		$(BUILD)/tests/unit/firmware/%.o $(COUNTERD_LIB_OBJS) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

$(addprefix $(BUILD)/tests/unit/, $(UNIT_HUB)): $(BUILD)/tests/unit/%: \
		$(BUILD)/tests/unit/hub/%.o $(HUBD_LIB_OBJS) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS) $(HUB_TEST_LIBS)

# test_hub_ackweb signs links itself (expired ones) with the hub's acklink.o
$(BUILD)/tests/integration/test_hub_ackweb: $(BUILD)/hub/acklink.o
$(BUILD)/tests/integration/test_hub_ackweb: TEST_LIBS += $(LIB_NETTLE)
$(BUILD)/tests/integration/test_hub_ackweb.o: ALL_CFLAGS += -Ihub

$(BUILD)/tests/integration/test_%: $(BUILD)/tests/integration/test_%.o \
		$(HARNESS_OBJS) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

# test_hub_disk preloads diskshim.so into hubd: a full or read-only disk
# under the database on command. Built without the sanitizers: it only
# forwards calls, and a preloaded library cannot bring its own runtime.
DISKSHIM := $(BUILD)/tests/integration/diskshim.so
$(DISKSHIM): tests/integration/diskshim.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -g -fPIC -shared -o $@ $< -ldl

test-programs: $(DISKSHIM)
