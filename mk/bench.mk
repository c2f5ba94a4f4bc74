# mk/bench.mk — benchmarks: each bench/NAME.c is one program, $(BUILD)/bench/NAME.
#
# `make bench` runs each (arguments from BENCH_ARGS, e.g. --quick) and
# prints their JSON lines on stdout (progress goes to stderr), then
# bench/peers/run.sh when it exists and node is installed (NO_PEERS=1 skips
# it). Exits non-zero if a benchmark failed.

BENCH_SRCS := $(sort $(wildcard bench/*.c))
BENCH_OBJS := $(BENCH_SRCS:%.c=$(BUILD)/obj/%.o)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
BENCH_ARGS ?=

ALL_DEPFILES += $(BENCH_OBJS:.o=.d)

# Optimised whatever CFLAGS said (the last -O wins).
$(BENCH_OBJS): KW_CFLAGS += -O2

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIB)
	$(quiet) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(KW_CFLAGS) $(KW_LDFLAGS) $^ $(KW_LDLIBS) -o $@

.PHONY: bench bench-build
bench-build: $(BENCH_BINS)

bench: $(BENCH_BINS) | $(DEPS_ORDER)
	$(Q)status=0; \
	for b in $(BENCH_BINS); do \
	    echo "bench: $$b $(BENCH_ARGS)" >&2; \
	    $$b $(BENCH_ARGS) || { echo "bench: $$b failed" >&2; status=1; }; \
	done; \
	if [ "$(NO_PEERS)" = 1 ]; then \
	    echo "bench: peers skipped (NO_PEERS=1)" >&2; \
	elif [ -f bench/peers/run.sh ] && command -v node >/dev/null 2>&1; then \
	    if [ -x $(BUILD)/bench/bench_personal ]; then \
	        sh bench/peers/run.sh $(filter --quick,$(BENCH_ARGS)) $(BUILD)/bench/bench_personal || status=1; \
	    else \
	        sh bench/peers/run.sh $(filter --quick,$(BENCH_ARGS)) || status=1; \
	    fi; \
	else \
	    echo "bench: peers skipped (no bench/peers/run.sh or no node)" >&2; \
	fi; \
	exit $$status
