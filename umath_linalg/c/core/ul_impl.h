/*
 * ul_impl.h - private declarations shared by the library's C files. Never
 * installed. Public names live in umath_linalg.h.
 */
#ifndef UL_IMPL_H
#define UL_IMPL_H

#include "umath_linalg.h"
#include <complex.h>
#include <string.h>

#define UL_API __attribute__((visibility("default")))
#define UL_HIDDEN __attribute__((visibility("hidden")))

/* ---- allocation (ul_alloc.c): every block the library takes ----
 * Through the functions of ul_set_allocator; malloc's alignment. */
UL_HIDDEN void *ul_malloc(size_t n);
UL_HIDDEN void *ul_calloc(size_t count, size_t size);
UL_HIDDEN void ul_free(void *p);

/* A loop whose table data pointer is its own (a run-time row) and which
 * could not allocate calls this besides raising FE_INVALID; the driver
 * then returns UL_ENOMEM (ul_driver.c; thread-local). */
UL_HIDDEN void ul_loop_note_enomem(void);

/* Largest matrix order handled by the small-n kernels. */
#define UL_SMALL_MAX 16

/* A kernel for a whole loop call (or one chunk of it), with numpy's loop
 * arguments: declines with -1 (nothing written), else computes every
 * matrix and returns how many failed (that matrix's output NaN-filled),
 * *first_failed the outer index of the first (-1 when none). */
typedef ptrdiff_t (*ul_kernel_fn)(char **args, const ptrdiff_t *dims,
                                  const ptrdiff_t *steps,
                                  ptrdiff_t *first_failed);
/* the most operands and loop dimensions of a kernel (svd_S: 4; matmul:
 * dims {N, n, k, m}) */
#define UL_KERNEL_MAX_ARGS 4
#define UL_KERNEL_MAX_DIMS 4

/* ---- threads (ul_threads.c) ----
 * Runs fn on the call, shared among up to UL_MAX_THREADS threads in chunks
 * of a multiple of 16 matrices when the stack is big (bit-identical to one
 * fn call); nargs operands, ndims entries of dims. */
#define UL_MAX_THREADS 8
UL_HIDDEN ptrdiff_t ul_threads_run(ul_kernel_fn fn, int nargs, int ndims,
    char **args, const ptrdiff_t *dims, const ptrdiff_t *steps,
    ptrdiff_t *first_failed);

/* ---- fork safety (ul_fork.c) ----
 * Around every call into LAPACK/BLAS (UL_LAPACK_CALL, ul_types.h): a fork
 * waits until no thread of the library is inside one. */
UL_HIDDEN void ul_lapack_enter(void);
UL_HIDDEN void ul_lapack_leave(void);

/* ---- small-n kernels (c/small/) ----
 * UL_SMALL_OPS lists the loops that have small-n kernels, with their
 * operand count and loop dimension count (numpy's signature: solve is
 * (m,m),(m,n)->(m,n), 3 operands, dimensions {N, m, n}). Adding an op to the
 * small-kernel dispatch is one line here (and its kernel, ul_kern.tmpl.h).
 * ul_small_run runs the kernel of dtype dt (UL_DT_s ... UL_DT_z, ul_types.h
 * gives UL_DT) and op (UL_OP_inv ...) on a whole loop call, or declines
 * with -1 when there is none for that n (the loop's LAPACK path then runs);
 * see ul_kernel_fn. The caller handles the FP-flag protocol. */
#define UL_SMALL_OPS(X) \
    X(inv, 2, 2) X(solve, 3, 3) X(solve1, 3, 2) X(det, 2, 2) X(slogdet, 3, 2) \
    X(matmul, 3, 4) \
    X(cholesky_lo, 2, 2) X(cholesky_up, 2, 2) \
    X(svd_N, 2, 3) X(svd_S, 4, 3) X(svd_A, 4, 3) \
    X(eigh_lo, 3, 2) X(eigh_up, 3, 2) X(eigvalsh_lo, 2, 2) X(eigvalsh_up, 2, 2)
enum { UL_DT_s, UL_DT_d, UL_DT_c, UL_DT_z, UL_NDTYPES };
#define UL_OP_ENUM(op, nargs, ndims) UL_OP_##op,
enum { UL_SMALL_OPS(UL_OP_ENUM) UL_NOPS };
#undef UL_OP_ENUM
UL_HIDDEN ptrdiff_t ul_small_run(int dt, int op, char **args,
    const ptrdiff_t *dims, const ptrdiff_t *steps, ptrdiff_t *first_failed);
/* For a prepared call of one matrix (dims[0] == 1): the kernel the
 * built-in loop `loop` would run through ul_small_run on these dims, to be
 * called directly (same result: one matrix never splits), or NULL. */
UL_HIDDEN ul_kernel_fn ul_small_bind(ul_loop loop, const ptrdiff_t *dims);

/* 1 when the AVX2+FMA kernels run: the CPU has both and $UL_CPU is not
 * "baseline"; decided once per process (c/small/ul_small.c). */
UL_HIDDEN int ul_cpu_avx2(void);

/* One element of es bytes (4, 8 or 16, else any): constant-size memcpys
 * compile to moves, where memcpy(d, s, es) is a libc call per element
 * (the copier's tile edges). Unaligned-safe. */
static inline void ul_copy_elem(char *d, const char *s, size_t es)
{
    switch (es) {
    case 4: memcpy(d, s, 4); break;
    case 8: memcpy(d, s, 8); break;
    case 16: memcpy(d, s, 16); break;
    default: memcpy(d, s, es);
    }
}

/* ---- fills used by the loops (ul_linearize.tmpl.h) ---- */
#define UL_FILL_DECL(ch) \
    UL_HIDDEN void ul_##ch##nan_fill(char *dst, ptrdiff_t rows, \
        ptrdiff_t cols, ptrdiff_t row_stride, ptrdiff_t col_stride); \
    UL_HIDDEN void ul_##ch##identity(void *dst, ptrdiff_t n); \
    UL_HIDDEN int ul_##ch##all_finite(const void *p, ptrdiff_t len);
UL_FILL_DECL(s) UL_FILL_DECL(d) UL_FILL_DECL(c) UL_FILL_DECL(z)
#undef UL_FILL_DECL

/* ---- FP-flag protocol (numpy's get_fp_invalid_and_clear /
 * set_fp_invalid_or_clear): remember a prior FE_INVALID, clear the flags,
 * and at the end raise FE_INVALID if anything failed, else clear them.
 * FE_INEXACT is the exception everywhere here: left as the arithmetic
 * left it, never cleared and never put back. Nearly every inverse raises
 * it, numpy never reads it, and clearing it is an MXCSR write, which
 * costs ~10 ns (bench/bench_plan.sh: half a 4x4 plan's time). */
UL_HIDDEN int ul_fp_invalid_and_clear(void);
UL_HIDDEN void ul_fp_set_invalid_or_clear(int invalid);
/* The caller's exception flags, saved and restored around a driver call
 * (ul_fp.c: MXCSR on x86-64, <fenv.h> elsewhere); ul_fp_save also tells
 * the loops to skip their own protocol until ul_fp_restore. A bound
 * kernel (a plan of one matrix) runs no loop, so it needs only the flags:
 * ul_fp_get_flags / ul_fp_put_flags, inline (a few instructions). */
#if defined(__x86_64__) && defined(__SSE2__)
#include <xmmintrin.h>
#define UL_MXCSR_TRACKED 0x1Fu    /* IE DE ZE OE UE status bits: all but PE */
typedef struct ul_fp_state { unsigned flags; } ul_fp_state;
static inline void ul_fp_get_flags(ul_fp_state *s)
{
    s->flags = _mm_getcsr() & UL_MXCSR_TRACKED;
}
static inline void ul_fp_put_flags(const ul_fp_state *s)
{
    unsigned csr = _mm_getcsr(), want = (csr & ~UL_MXCSR_TRACKED) | s->flags;
    if (want != csr)
        _mm_setcsr(want);
}
#else
#include <fenv.h>
#ifndef FE_INEXACT
#  define FE_INEXACT 0
#endif
#define UL_FE_TRACKED (FE_ALL_EXCEPT & ~FE_INEXACT)
typedef struct ul_fp_state { fexcept_t flags; } ul_fp_state;
static inline void ul_fp_get_flags(ul_fp_state *s)
{
    fegetexceptflag(&s->flags, UL_FE_TRACKED);
}
static inline void ul_fp_put_flags(const ul_fp_state *s)
{
    fesetexceptflag(&s->flags, UL_FE_TRACKED);
}
#endif
UL_HIDDEN void ul_fp_save(ul_fp_state *s);
UL_HIDDEN void ul_fp_restore(const ul_fp_state *s);

#endif /* UL_IMPL_H */
