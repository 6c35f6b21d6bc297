# hub/build.mk: hubd, the branch hub daemon.

HUBD_LIB_OBJS := $(addprefix $(BUILD)/hub/, )
HUBD_OBJS := $(BUILD)/hub/hubd.o $(HUBD_LIB_OBJS)

$(BIN)/hubd: $(HUBD_OBJS) $(COMMON_OBJS)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_PAHO) $(LIB_CONFIG) \
		$(LIB_CJSON) $(LIB_SQLITE)
