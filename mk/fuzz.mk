# mk/fuzz.mk — `make fuzz`: libFuzzer targets under ASan + UBSan.
#
# Each tests/fuzz/fuzz_X.c becomes $(BUILD)/fuzz/fuzz_X, linked against its
# own copy of the library built with coverage instrumentation and the
# sanitizers ($(BUILD)/fuzz/libkeyway.a). scripts/fuzz-run.sh then runs each
# for FUZZ_SECONDS on a temporary copy of tests/fuzz/corpus/fuzz_X/ (the repo
# is never written), and ends with "N passed, N failed": a target that finds
# a crash, leak or timeout fails; its reproducer goes to
# $(BUILD)/fuzz/artifacts/fuzz_X/.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
FUZZ_MAX_LEN ?= 4096
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(CFLAGS) $(FUZZ_SAN)

FUZZ_DIR      := $(BUILD)/fuzz
FUZZ_LIB      := $(FUZZ_DIR)/libkeyway.a
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS     := $(FUZZ_NAMES:%=$(FUZZ_DIR)/%)

ALL_DEPFILES += $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_NAMES:%=$(FUZZ_DIR)/obj/tests/fuzz/%.d)

# Library: coverage instrumentation without libFuzzer's main.
$(FUZZ_DIR)/obj/%.o: %.c | $(DEPS_ORDER)
	$(quiet) FUZZCC $<
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(KW_CPPFLAGS) -Itests $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	$(quiet) AR $@
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(quiet) LD $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ $(KW_LDLIBS) -o $@

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS) | $(DEPS_ORDER)
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) \
	    scripts/fuzz-run.sh $(FUZZ_DIR) $(FUZZ_NAMES)

# Objects reached only through pattern rules would count as intermediate and
# be deleted after linking; keep them so rebuilds stay incremental.
.SECONDARY: $(FUZZ_NAMES:%=$(FUZZ_DIR)/obj/tests/fuzz/%.o) $(REPLAY_OBJS) $(BENCH_OBJS)
