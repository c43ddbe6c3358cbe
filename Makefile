# umath-linalg: everything but Python packaging (setup.py) is driven from here.
# Build products go under build/out/ (ignored), never beside tracked files.

PREFIX  ?= /usr/local
PY      ?= /usr/bin/python3
PYPY    ?= pypy3
CC      ?= gcc
OUT     := build/out
# Both cores by default (`make -j1` still wins).
# (only at the top level and when no -j was given: sub-makes share its jobs)
NPROC   := $(shell nproc 2>/dev/null || echo 2)
ifeq ($(MAKELEVEL)$(filter -j%,$(MAKEFLAGS)),0)
MAKEFLAGS += -j$(NPROC)
endif
SOMAJOR := 0
SOVER   := 0.1.0

# Recursive (=) so pkg-config runs after `make deps` has installed it.
DEP_PKGS    = lapacke openblas libffi
DEP_CFLAGS  = $(shell pkg-config --cflags $(DEP_PKGS))
DEP_LIBS    = $(shell pkg-config --libs $(DEP_PKGS)) -lm -lpthread

WARN    := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes
CSTD    := -std=gnu11
INC     := -Iumath_linalg $(addprefix -Iumath_linalg/c/,core loops small) -Igufunc -Ibridge
CFLAGS  ?= -O2 -g
# gcc's variable-location tracking doubles the build of the big kernel
# files for little gain; line tables and types stay (-g).
NO_VTA := $(shell $(CC) -Werror -fno-var-tracking-assignments -x c -c /dev/null -o /dev/null 2>/dev/null && echo -fno-var-tracking-assignments)
LIB_CFLAGS = $(CSTD) $(CFLAGS) $(NO_VTA) $(WARN) $(INC) $(DEP_CFLAGS) -fPIC -fvisibility=hidden
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# clang 14's UBSan at -O1 takes over 4 minutes per kernel file (gcc: 45 s),
# at -O0 under 10 s: the clang sanitizer build compiles the kernels at -O0.
IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo 1)
SAN_KERN_OPT = $(if $(IS_CLANG),$(if $(filter $(KERN_SRCS),$<),-O0))

# The C library: umath_linalg/c/{core,loops,small}, gufunc/, bridge/.
# The two kernel files take ~45 s each, the rest ~3 s: listed first, so
# that -j2 runs them side by side.
KERN_SRCS := umath_linalg/c/small/ul_small_avx2.c umath_linalg/c/small/ul_small_sse2.c
LIB_SRCS := $(KERN_SRCS) $(filter-out $(KERN_SRCS),$(sort $(wildcard umath_linalg/c/*/*.c gufunc/*.c bridge/*.c)))
LIB_OBJS := $(patsubst %.c,$(OUT)/obj/%.o,$(LIB_SRCS))
SAN_OBJS := $(patsubst %.c,$(OUT)/san/%.o,$(LIB_SRCS))
LIBSO    := $(OUT)/lib/libumath_linalg.so
CTESTS   := $(patsubst tests/c/%.c,%,$(wildcard tests/c/test_*.c))
TEST_CFLAGS = $(CSTD) -O2 -g $(WARN) -Iumath_linalg -Iumath_linalg/c/core -Itests/c $(DEP_CFLAGS)

.PHONY: all deps lib py test test-c test-san test-py test-install demo bench install clean check-exports

all: deps
	@$(MAKE) --no-print-directory lib py

deps:
	@sh build/install-deps.sh

lib: $(LIBSO)

# One translation unit per CPU target (BLIS style): *_avx2.c and *_avx512.c
# files are compiled with that target's flags, everything else for
# baseline x86-64. AVX-512 at 256-bit vectors: the AVX2 code with 32
# registers and mask registers (c/small/ul_small_chol_avx512.c says why).
AVX512_FLAGS := -mavx2 -mfma -mavx512f -mavx512vl -mavx512dq -mavx512bw -mprefer-vector-width=256
TARGET_FLAGS = $(if $(filter %_avx2.c,$<),-mavx2 -mfma)$(if $(filter %_avx512.c,$<),$(AVX512_FLAGS))
# -MMD: every object and test binary depends on the headers it includes.
DEPFLAGS = -MMD -MP

# Objects and test binaries are rebuilt when the compiler or its flags change
# (make CC=clang after a gcc build): the stamp holds them.
CC_STAMP := $(OUT)/compiler
$(CC_STAMP): FORCE
	@mkdir -p $(OUT)
	@echo '$(CC) $(CFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS)' > $@
.PHONY: FORCE

$(OUT)/obj/%.o: %.c $(CC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) $(TARGET_FLAGS) $(DEPFLAGS) -c $< -o $@

$(OUT)/san/%.o: %.c $(CC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(SAN_FLAGS) $(SAN_KERN_OPT) $(NO_VTA) $(WARN) $(INC) $(DEP_CFLAGS) $(TARGET_FLAGS) $(DEPFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(LIBSO).$(SOVER): $(LIB_OBJS) build/libumath_linalg.map
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@.tmp $(LIB_OBJS) -Wl,-soname,libumath_linalg.so.$(SOMAJOR) \
	    -Wl,--version-script=build/libumath_linalg.map -Wl,--no-undefined \
	    -Wl,-z,nodelete $(DEP_LIBS)    # helper threads: never unmapped by dlclose
	mv -f $@.tmp $@    # atomic: a running import never sees a half-written file

$(LIBSO): $(LIBSO).$(SOVER)
	ln -sf libumath_linalg.so.$(SOVER) $(LIBSO).$(SOMAJOR)
	ln -sf libumath_linalg.so.$(SOVER) $(LIBSO)

# The exported ABI: only ul_ symbols, no CPython import.
check-exports: $(LIBSO)
	@bad=$$(nm -D --defined-only $(LIBSO) | awk '{print $$NF}' | grep -v '^ul_' | grep -v '^UL_' || true); \
	 if [ -n "$$bad" ]; then echo "non-ul_ exports: $$bad"; exit 1; fi
	@if nm -D --undefined-only $(LIBSO) | grep -q ' _\?Py'; then echo "library imports Py* symbols"; exit 1; fi
	@echo "exports: $$(nm -D --defined-only $(LIBSO) | grep -c ' ul_') ul_ symbols, no Py* import"
	@bare=$$(grep -rnE 'UL_LAPACK\(\w+\)\(' umath_linalg/c | grep -vE ':[0-9]+:void ' || true); \
	 if [ -n "$$bare" ]; then echo "LAPACK called without UL_LAPACK_CALL (fork safety): $$bare"; exit 1; fi

# ---- Python extension (cffi, built in place for both interpreters) ----
py: $(LIBSO)
	@if [ -f bridge/ul_build.py ]; then \
	    $(PY) bridge/ul_build.py && $(PYPY) bridge/ul_build.py; fi

# ---- tests ----
$(OUT)/tests/%: tests/c/%.c $(LIBSO) $(CC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(DEPFLAGS) $< -o $@ -L$(OUT)/lib -lumath_linalg -Wl,-rpath,$(abspath $(OUT)/lib) $(DEP_LIBS)

# A white-box test that #includes a library source (test_sig: gufunc/ul_sig.c)
# links the static objects without that source's object, or its symbols clash.
WHITEBOX_test_sig := $(OUT)/san/gufunc/ul_sig.o

$(OUT)/tests-san/%: tests/c/%.c $(SAN_OBJS) $(CC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(SAN_FLAGS) $(WARN) $(DEPFLAGS) -Iumath_linalg -Iumath_linalg/c/core -Itests/c $(DEP_CFLAGS) $< \
	    $(filter-out $(WHITEBOX_$*),$(SAN_OBJS)) -o $@ $(DEP_LIBS)

# Objects are kept between runs; their header dependencies come from -MMD.
.SECONDARY: $(LIB_OBJS) $(SAN_OBJS)
-include $(shell find $(OUT) -name '*.d' 2>/dev/null)

test-c: check-exports $(addprefix $(OUT)/tests/,$(CTESTS))
	@sh tests/run_c_tests.sh "C" $(addprefix $(OUT)/tests/,$(CTESTS))

test-san: $(addprefix $(OUT)/tests-san/,$(CTESTS))
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    sh tests/run_c_tests.sh "C (ASan+UBSan)" $(addprefix $(OUT)/tests-san/,$(CTESTS))

test-py: py
	@sh tests/run_py_tests.sh "$(PY)" "$(PYPY)"

test-install: $(LIBSO)
	+@sh tests/test_install.sh

# Every suite, each to the end even if one fails, then one closing line.
test: deps
	@$(MAKE) --no-print-directory lib py
	@sh tests/run_all.sh "$(MAKE) --no-print-directory" test-c test-san test-py test-install test-fuzz

# ---- the main job and benchmarks ----
demo: deps
	@$(MAKE) --no-print-directory lib py
	@sh bench/demo.sh

bench: deps
	@$(MAKE) --no-print-directory lib py
	@sh bench/run.sh

# ---- install ----
install: $(LIBSO)
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(LIBSO).$(SOVER) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libumath_linalg.so.$(SOVER) $(DESTDIR)$(PREFIX)/lib/libumath_linalg.so.$(SOMAJOR)
	ln -sf libumath_linalg.so.$(SOVER) $(DESTDIR)$(PREFIX)/lib/libumath_linalg.so
	install -m 644 umath_linalg/umath_linalg.h $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(SOVER)|g' build/umath_linalg.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/umath_linalg.pc

clean:
	rm -rf $(OUT) build/lib.* build/temp.* umath_linalg/_ul*.so umath_linalg/_ul*.c umath_linalg/_ul*.o

# matmul alone (issue 13): ours vs np.matmul and cblas_dgemm, 1 and 2 threads
.PHONY: bench-matmul
bench-matmul: deps
	@$(MAKE) --no-print-directory lib py
	@sh bench/bench_matmul.sh

# ---- thread soak (issue 15): test_soak for SOAK_SECONDS (make test: 3 s),
# and once under ThreadSanitizer (its own objects, build/out/tsan/) ----
.PHONY: soak soak-tsan
SOAK_SECONDS ?= 60
TSAN_FLAGS := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
TSAN_OBJS := $(patsubst %.c,$(OUT)/tsan/%.o,$(LIB_SRCS))
.SECONDARY: $(TSAN_OBJS)

$(OUT)/tsan/%.o: %.c $(CC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(TSAN_FLAGS) $(NO_VTA) $(WARN) $(INC) $(DEP_CFLAGS) $(TARGET_FLAGS) $(DEPFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(OUT)/tests-tsan/%: tests/c/%.c $(TSAN_OBJS) $(CC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(TSAN_FLAGS) $(WARN) $(DEPFLAGS) -Iumath_linalg -Iumath_linalg/c/core -Itests/c $(DEP_CFLAGS) $< \
	    $(TSAN_OBJS) -o $@ $(DEP_LIBS)

soak: $(OUT)/tests/test_soak
	SOAK_SECONDS=$(SOAK_SECONDS) $<

soak-tsan: $(OUT)/tests-tsan/test_soak
	SOAK_SECONDS=$(or $(TSAN_SECONDS),20) TSAN_OPTIONS=second_deadlock_stack=1 $<

# issue 14's family table: cholesky, eigh, eigvalsh, svd vs numpy's loops
.PHONY: bench-families
bench-families: deps
	@$(MAKE) --no-print-directory lib py
	@sh bench/bench_families.sh

# ---- fuzzing (issue 15): libFuzzer targets tests/fuzz/fuzz_<target>.c ----
# The library is built again with clang, ASan, UBSan and libFuzzer's
# coverage into build/out/fuzz/ and linked statically into each target (the
# targets may use private headers). The kernel files are compiled at -O0
# for the reason SAN_KERN_OPT gives (clang UBSan at -O1 takes minutes).
# make fuzz: every target for FUZZ_SECONDS (corpus grown in build/out, the
# committed seeds in tests/fuzz/corpus/<target>/ read); make test-fuzz (in
# make test): FUZZ_TEST_SECONDS each after replaying tests/fuzz/regressions/<target>/.
FUZZ_CC           ?= clang
FUZZ_SECONDS      ?= 60
FUZZ_TEST_SECONDS ?= 10
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJS    := $(patsubst %.c,$(OUT)/fuzz/%.o,$(LIB_SRCS))
FUZZ_SAN     := -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_KERN_OPT = $(if $(filter umath_linalg/c/small/ul_small%,$<),-O0,-O1)

$(OUT)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(FUZZ_KERN_OPT) $(WARN) $(INC) $(DEP_CFLAGS) \
	    $(TARGET_FLAGS) $(DEPFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(OUT)/fuzz/bin/%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(FUZZ_SAN) -fsanitize=fuzzer -O1 $(WARN) $(DEPFLAGS) $(INC) -Itests/fuzz -Itests/c $(DEP_CFLAGS) \
	    $< $(FUZZ_OBJS) -o $@ $(DEP_LIBS)

.SECONDARY: $(FUZZ_OBJS)
.PHONY: fuzz fuzz-build test-fuzz
fuzz-build: $(addprefix $(OUT)/fuzz/bin/,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@sh tests/fuzz/run_fuzz.sh $(FUZZ_SECONDS) $(OUT)/fuzz $(FUZZ_TARGETS)

test-fuzz: fuzz-build
	@FUZZ_FRESH=1 sh tests/fuzz/run_fuzz.sh $(FUZZ_TEST_SECONDS) $(OUT)/fuzz $(FUZZ_TARGETS)

# ---- valgrind (issue 15): the C tests under memcheck ----
# VALGRIND_TESTS picks the binaries (default: every C test).
VALGRIND_TESTS ?= $(CTESTS)
.PHONY: valgrind
valgrind: $(addprefix $(OUT)/tests/,$(VALGRIND_TESTS))
	@sh tests/run_valgrind.sh $(addprefix $(OUT)/tests/,$(VALGRIND_TESTS))
