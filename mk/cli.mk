# mk/cli.mk — the `keyway` command (src/cli/*.c).

CLI_SRCS := $(sort $(wildcard src/cli/*.c))
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_BIN  := $(BUILD)/keyway

ALL_DEPFILES += $(CLI_OBJS:.o=.d)

$(CLI_OBJS): KW_CPPFLAGS += -DKEYWAY_VERSION='"$(VERSION)"'

$(CLI_BIN): $(CLI_OBJS) $(LIB)
	$(quiet) LD $@
	$(Q)$(CC) $(KW_CFLAGS) $(KW_LDFLAGS) $(CLI_OBJS) $(LIB) $(KW_LDLIBS) -o $@

.PHONY: cli run
cli: $(CLI_BIN)

run: $(CLI_BIN) | $(DEPS_ORDER)
	$(CLI_BIN) serve
