# Keyway — one non-recursive build.
#
#   make            library, CLI and unit-test binary (into $(BUILD), default build/)
#   make test       build and run every test; ends with "N passed, N failed"
#   make run        build and run `keyway serve`
#   make bench      build with optimisation and run every benchmark (JSON lines)
#   make fuzz       libFuzzer + ASan/UBSan, FUZZ_SECONDS (30) per target
#   make deps       install missing Debian packages (apt-get)
#   make clean      remove $(BUILD)
#
# Knobs: CC=gcc|clang  WERROR=1  SAN=1  BUILD=dir  NO_DEPS=1  V=1
#        T="substr ..." (test filter)  TEST_JOBS=N  BENCH_ARGS=--quick
#
# The pieces live in mk/*.mk; see docs/decisions.md for why it is built this way.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

# deps.mk first: the compile rules in config.mk read DEPS_ORDER.
include mk/deps.mk
include mk/config.mk
include mk/lib.mk
include mk/cli.mk
include mk/test.mk
include mk/fuzz.mk
include mk/bench.mk

.PHONY: all clean help
all: $(LIB) $(CLI_BIN) $(TEST_BIN)

clean:
	rm -rf $(BUILD)

help:
	@sed -n '3,13p' Makefile | sed 's/^# \{0,1\}//'

# Header dependencies written by -MMD -MP next to each object.
-include $(ALL_DEPFILES)
