# mk/lib.mk — libkeyway.a from src/core/*.c, src/tz/*.c and src/api/*.c.
#
# Wildcards: a new source file is part of the library as soon as it exists.

LIB_SRCS := $(sort $(wildcard src/core/*.c src/tz/*.c src/api/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/libkeyway.a

ALL_DEPFILES += $(LIB_OBJS:.o=.d)

.PHONY: lib
lib: $(LIB)

# Recreated from scratch so that an object whose source was deleted leaves.
$(LIB): $(LIB_OBJS)
	$(quiet) AR $@
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
