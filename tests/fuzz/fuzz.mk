# tests/fuzz/fuzz.mk - libFuzzer targets (included by GNUmakefile).
#
#   make fuzz [FUZZ_TIME=180] [FUZZ_RUNS=N] [FUZZ_TARGETS="fuzz_proto ..."]
#                       runs each target FUZZ_TIME seconds (or FUZZ_RUNS
#                       executions) over a copy of
#                       its committed corpus (tests/fuzz/corpus/<target>);
#                       new inputs go to build/fuzz/corpus/<target>
#   make fuzz-build     only builds them (build/fuzz/fuzz_*)
#
# The targets and the library are built with clang (-fsanitize=fuzzer,
# address, undefined) into build/fuzz. `make check` builds them too when
# clang is installed, and tests/fuzz/smoke.sh replays each corpus and
# fuzzes a few seconds; without clang the smoke suite says why it skips.

FUZZ_CC		?= clang
FUZZ_TIME	?= 180
FUZZ_RUNS	?=
FUZZ_BUILD	:= build/fuzz
FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
FUZZ_CFLAGS	:= -std=c11 -O1 -g -Wall -Wextra -Wno-unused-parameter \
		   $(FUZZ_SAN) -MMD -MP
FUZZ_ALL	:= $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_TARGETS	?= $(FUZZ_ALL)
FUZZ_BINS	:= $(FUZZ_ALL:%=$(FUZZ_BUILD)/%)
FUZZ_LIB_OBJ	:= $(LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_LIB	:= $(FUZZ_BUILD)/libvpop.a
HAVE_FUZZ_CC	:= $(shell command -v $(FUZZ_CC) 2>/dev/null)

$(FUZZ_BUILD)/obj/%.o: %.c | deps-ok
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	    -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# fuzz_frontend wraps _exit (fe_end) to return to the fuzzer.
$(FUZZ_BUILD)/fuzz_frontend: FUZZ_LDEXTRA := -Wl,--wrap=_exit
# fuzz_helper memoises crypt_r (same bytes, less time) and makes
# getrandom a fixed sequence per run (reproducible runs).
$(FUZZ_BUILD)/fuzz_helper: FUZZ_LDEXTRA := -Wl,--wrap=crypt_r \
	-Wl,--wrap=getrandom
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(FUZZ_CC) $(CPPFLAGS) -Itests $(FUZZ_CFLAGS) -fsanitize=fuzzer \
	    $(FUZZ_LDEXTRA) -o $@ $< $(FUZZ_LIB) $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_RUNS=$(FUZZ_RUNS) sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TIME) \
	    $(FUZZ_TARGETS)

ifneq ($(HAVE_FUZZ_CC),)
check: fuzz-build
endif

# cppcheck + clang-tidy; triage in docs/static-analysis.md (the seccomp
# programs' header is generated: seccomp.c includes it)
lint: build/gen/sb_bpf.h
	@sh tests/fuzz/lint.sh

.PHONY: fuzz fuzz-build lint
-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_BINS:=.d)
