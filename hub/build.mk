# hub/build.mk: hubd, the branch hub daemon.

HUBD_LIB_OBJS := $(addprefix $(BUILD)/hub/, conf.o conf_sched.o \
	conf_print.o conf_lint.o conf_web.o conf_notify.o rules.o incident.o timers.o store.o \
	engine.o inbox.o outbox.o supervise.o acklink.o web.o web_form.o \
	web_page.o notify.o notify_tpl.o notify_curl.o notify_cmd.o)
HUBD_OBJS := $(BUILD)/hub/hubd.o $(HUBD_LIB_OBJS)

$(BIN)/hubd: $(HUBD_OBJS) $(COMMON_OBJS)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_PAHO) $(LIB_CONFIG) \
		$(LIB_CJSON) $(LIB_SQLITE) $(LIB_MHD) $(LIB_NETTLE) $(LIB_CURL)

# The hub's unit tests include the hub's headers.
$(BUILD)/tests/unit/hub/%.o: ALL_CFLAGS += -Ihub
