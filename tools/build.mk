# tools/build.mk: panicctl, the tool for managers, supervisors and installers.

PANICCTL_OBJS := $(addprefix $(BUILD)/tools/, panicctl.o cmd_press.o) \
	$(addprefix $(BUILD)/firmware/, conf.o button.o)

$(BIN)/panicctl: $(PANICCTL_OBJS) $(COMMON_OBJS)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_PAHO) $(LIB_CONFIG) $(LIB_CJSON) \
		$(LIB_SQLITE)
