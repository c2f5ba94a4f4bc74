# mk/config.mk — compiler, flags and build directory.
#
# Every object lives under $(BUILD) so that differently configured builds
# (build/gcc, build/clang, build/san) never share an object file. A stamp of
# the effective flags forces a rebuild when the flags of one $(BUILD) change.

# `CC ?= gcc` would never apply: make predefines CC=cc. Respect only a CC
# given on the command line or in the environment.
ifeq ($(origin CC),default)
CC := gcc
endif

BUILD   ?= build
VERSION ?= 0.1.0-dev
AR      ?= ar
ifeq ($(origin AR),default)
AR := ar
endif

CFLAGS ?= -std=c11 -O2 -g -D_POSIX_C_SOURCE=200809L \
          -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wstrict-prototypes \
          -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Iinclude -Isrc
LDFLAGS ?=
LDLIBS  ?= -lpthread

# Libraries found through pkg-config (later issues add e.g. libsodium,
# libmicrohttpd, libcjson, sqlite3 here and their -dev packages to mk/deps.mk).
PKGS ?= libcjson
ifneq ($(strip $(PKGS)),)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
endif

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Flags every compile gets, whatever CFLAGS says.
KW_CPPFLAGS := -Iinclude -Isrc $(PKG_CFLAGS)
KW_CFLAGS   := $(CFLAGS)
KW_LDFLAGS  := $(LDFLAGS)
KW_LDLIBS   := $(PKG_LIBS) $(LDLIBS)
ifeq ($(WERROR),1)
KW_CFLAGS += -Werror
endif
ifeq ($(SAN),1)
KW_CFLAGS  += $(SAN_FLAGS)
KW_LDFLAGS += $(SAN_FLAGS)
endif
DEPFLAGS := -MMD -MP

# Quiet by default; V=1 shows full commands.
ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-6s %s\n'
endif

# Rebuild everything in $(BUILD) when the effective flags change.
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_LINE  := $(CC) $(KW_CPPFLAGS) $(KW_CFLAGS) $(KW_LDFLAGS) $(KW_LDLIBS)
FLAGS_OLD   := $(shell cat $(FLAGS_STAMP) 2>/dev/null)
ifneq ($(FLAGS_OLD),$(strip $(FLAGS_LINE)))
$(shell mkdir -p $(BUILD) && printf '%s\n' '$(strip $(FLAGS_LINE))' > $(FLAGS_STAMP))
endif

NPROC := $(shell nproc 2>/dev/null || echo 2)

# Objects of source file X.c go to $(BUILD)/obj/X.o. Every such object
# waits for `deps` when the goal needs it (see mk/deps.mk).
$(BUILD)/obj/%.o: %.c $(FLAGS_STAMP) | $(DEPS_ORDER)
	$(quiet) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(KW_CPPFLAGS) $(KW_CFLAGS) $(DEPFLAGS) -c $< -o $@

# Written at parse time above; this rule only keeps make from complaining
# when the stamp could not be written.
$(FLAGS_STAMP): ;
