# mk/test.mk — the unit-test binary and `make test`.
#
# $(BUILD)/tests/unit = tests/runner.c + tests/unit/*.c + libkeyway.a.
# `make test` runs it with extra "command tests" (--cmd NAME=COMMAND, each
# counted as one test by the same runner, so there is one tally):
#   check-banned        scripts/check-banned.sh
#   fuzz_X.replay       every fuzz target, built with $(CC) + standalone.c,
#                       replaying tests/fuzz/corpus/fuzz_X/ (or only the
#                       empty input when it has no corpus)
#
# T="a b" runs only tests whose name or file contains "a" or "b";
# TEST_JOBS=N runs N at once (default: number of CPUs).

UNIT_SRCS   := $(sort $(wildcard tests/unit/*.c))
RUNNER_SRCS := tests/runner.c
TEST_OBJS   := $(UNIT_SRCS:%.c=$(BUILD)/obj/%.o) $(RUNNER_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_BIN    := $(BUILD)/tests/unit

# Fuzz targets replayed under the normal compiler.
FUZZ_SRCS     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES    := $(FUZZ_SRCS:tests/fuzz/%.c=%)
REPLAY_BINS   := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/%)
STANDALONE_O  := $(BUILD)/obj/tests/fuzz/standalone.o
REPLAY_OBJS   := $(FUZZ_SRCS:%.c=$(BUILD)/obj/%.o) $(STANDALONE_O)

ALL_DEPFILES += $(TEST_OBJS:.o=.d) $(REPLAY_OBJS:.o=.d)

$(TEST_OBJS) $(REPLAY_OBJS): KW_CPPFLAGS += -Itests

$(TEST_BIN): $(TEST_OBJS) $(LIB)
	$(quiet) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(KW_CFLAGS) $(KW_LDFLAGS) $(TEST_OBJS) $(LIB) $(KW_LDLIBS) -o $@

$(BUILD)/tests/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(STANDALONE_O) $(LIB)
	$(quiet) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(KW_CFLAGS) $(KW_LDFLAGS) $^ $(KW_LDLIBS) -o $@

TEST_JOBS ?=
TEST_CMDS := --cmd 'check-banned=scripts/check-banned.sh' \
    $(foreach f,$(FUZZ_NAMES),--cmd '$(f).replay=$(BUILD)/tests/fuzz/$(f) $(wildcard tests/fuzz/corpus/$(f))')

.PHONY: test tests
tests: $(TEST_BIN) $(REPLAY_BINS)

test: $(TEST_BIN) $(REPLAY_BINS) | $(DEPS_ORDER)
	$(Q)$(TEST_BIN) $(if $(TEST_JOBS),-j $(TEST_JOBS)) $(TEST_CMDS) $(T)
