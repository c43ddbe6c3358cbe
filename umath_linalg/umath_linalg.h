/*
 * umath_linalg.h - the one public header of libumath_linalg.
 *
 * numpy's linear-algebra gufunc loops (numpy 1.24 `_umath_linalg`) as a plain
 * C library with no CPython API: the loops themselves (numpy's loop ABI), the
 * dispatch table numpy's PyUFunc_FromFuncAndDataAndSignature consumes, a
 * driver that checks shapes and broadcasts stacks for callers that are not
 * numpy, and the strided <-> Fortran copier the loops are built on.
 *
 * Conventions: every stride is in BYTES and may be negative or zero; every
 * size is a ptrdiff_t (numpy's npy_intp); type numbers are numpy's
 * (UL_FLOAT = NPY_FLOAT = 11 ...). Nothing here prints; errors come back as
 * ul_status codes with a message.
 *
 * Alignment: none is required. Every loop, the driver and the copier take
 * operands at any byte address with any byte strides (a stack at
 * malloc() + 1, a stride of 9 bytes for float64), with results bit for bit
 * those of the aligned layout; aligned data pays nothing for this. The C
 * functions behind run-time rows (ul_ffi_gufunc_new) always receive
 * pointers aligned for their type: operands that are not are copied.
 *
 * Empty operands: an operand with no elements (some dimension 0) may have
 * NULL data; nothing reads, writes or offsets its pointer. A loop whose
 * matrices are empty does no per-matrix work besides writing outputs that
 * have elements (det of 0x0 matrices: 1; slogdet: (1, 0)), so a stack of
 * 2^31 empty matrices costs nothing.
 *
 * The block between UL_CDEF_BEGIN and UL_CDEF_END is read verbatim by the
 * cffi build (bridge/ul_build.py): keep it free of #if, macros and
 * attributes.
 */
#ifndef UMATH_LINALG_H
#define UMATH_LINALG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UL_VERSION_MAJOR 0
#define UL_VERSION_MINOR 1
#define UL_VERSION_PATCH 0
#define UL_VERSION_NUMBER \
    (UL_VERSION_MAJOR * 10000 + UL_VERSION_MINOR * 100 + UL_VERSION_PATCH)

/* UL_CDEF_BEGIN */

/* ---- numpy type numbers (the stable values of numpy's enum NPY_TYPES) ---- */
enum {
    UL_BOOL = 0, UL_INT32 = 5, UL_INT64 = 7,
    UL_FLOAT = 11, UL_DOUBLE = 12, UL_CFLOAT = 14, UL_CDOUBLE = 15
};

/* ---- status codes: returned, never printed ---- */
typedef enum ul_status {
    UL_OK = 0,
    UL_ENOMEM = 1,      /* an allocation failed; outputs untouched         */
    UL_EINVAL = 2,      /* bad argument: NULL pointer, bad count, bad size  */
    UL_EBADSIG = 3,     /* a gufunc signature does not parse                */
    UL_EBADTYPE = 4,    /* no loop for these dtypes / unknown type          */
    UL_ESHAPE = 5,      /* core dims mismatch or outer dims do not broadcast*/
    UL_ENOTFOUND = 6,   /* no gufunc of that name                           */
    UL_ESINGULAR = 7,   /* ran; some matrices failed (NaN output): singular,
                           not pos. definite, LAPACK did not converge     */
    UL_EFFI = 8,        /* libffi refused the described C signature         */
    UL_EBUSY = 9,       /* still registered / in use / name already taken   */
    UL_EOVERFLOW = 10   /* a size or byte extent overflows ptrdiff_t / int  */
} ul_status;

/* A fixed English description of a status code ("unknown status" if out
   of range). */
const char *ul_strerror(int status);
/* UL_VERSION_NUMBER of the library actually loaded. */
int ul_version_number(void);

/* ---- the loop ABI: numpy's PyUFuncGenericFunction, npy_intp = ptrdiff_t --
 * args[nin+nout]  base pointer of each operand, inputs first.
 * dimensions[0]   N, the number of outer iterations of this call; then one
 *                 size per distinct core-dimension name, in order of first
 *                 appearance in the signature (solve: [N, m, n]).
 * steps[0..nargs-1]  outer byte stride of each operand; then the byte stride
 *                 of every core dimension, operand by operand (inv on a
 *                 C-contiguous (k,m,m) double stack: {8mm, 8mm, 8m, 8, 8m, 8}).
 * data            the table's data pointer for this loop (see ul_loop_report).
 * A signature's "n?" (numpy's optional core dim, UFUNC_CORE_DIM_CAN_IGNORE;
 * matmul is "(n?,k),(k,m?)->(n?,m?)") that the call's operands drop comes
 * as size 1 in dimensions[] and stride 0 in steps[] for every operand that
 * names it (numpy does the same).
 */
typedef void (*ul_loop)(char **args, const ptrdiff_t *dimensions,
                        const ptrdiff_t *steps, void *data);

/* The dispatch table, in exactly the shape numpy's
 * PyUFunc_FromFuncAndDataAndSignature(funcs, data, types, ntypes, nin, nout,
 * PyUFunc_None, name, doc, 0, signature) takes it. Rows are immutable and live
 * as long as the library (built-ins) or until released (registered ones). */
typedef struct ul_gufunc {
    const char *name;          /* "inv"                                     */
    int nin, nout;
    const char *signature;     /* "(m, m)->(m, m)"                          */
    int ntypes;
    const char *types;         /* ntypes*(nin+nout) numpy type numbers,
                                  one row per loop, inputs then outputs     */
    const ul_loop *funcs;      /* ntypes loops                              */
    void *const *data;         /* ntypes loop data pointers                 */
    const char *doc;
} ul_gufunc;

/* Lookup: built-in gufuncs first, in a fixed order, then registered ones.
   ul_gufunc_find returns NULL when the name is unknown (or name is NULL). */
const ul_gufunc *ul_gufunc_find(const char *name);
size_t ul_gufunc_count(void);
const ul_gufunc *ul_gufunc_at(size_t i);

/* Registry for run-time gufuncs (bridge/). Registering a name that is
   already taken gives UL_EBUSY; unregistering one that is not registered
   gives UL_ENOTFOUND. The caller owns the row and keeps it alive while it
   is registered. Thread-safe. */
int ul_gufunc_register(const ul_gufunc *g);
int ul_gufunc_unregister(const ul_gufunc *g);

/* Failure report of the built-in linalg loops. Their table data pointers
 * are NULL, as numpy's are; a caller may instead pass a ul_loop_report* as
 * `data`, and the loop then records, besides numpy's FE_INVALID protocol,
 * how many matrices failed (singular, not positive definite, LAPACK did
 * not converge: that matrix's outputs are NaN) and the outer index of the first. The driver does this for every
 * loop whose table data pointer is NULL. */
typedef struct ul_loop_report {
    ptrdiff_t nfailed;        /* matrices whose factorization failed       */
    ptrdiff_t first_failed;   /* outer index in this call of the first; -1 */
    int status;               /* UL_OK, or UL_ENOMEM: no workspace, the
                                 outputs of this call were NaN-filled      */
} ul_loop_report;

/* ---- the driver -------------------------------------------------------- */
/* One operand: the address of its element [0,...,0], numpy type number,
   ndim (outer dims first, then core dims), shape and byte strides. */
typedef struct ul_operand {
    char *data;
    int type;
    int ndim;
    const ptrdiff_t *shape;
    const ptrdiff_t *strides;
} ul_operand;

/* What a call did. `message` is a NUL-terminated readable sentence when
   status != UL_OK ("inv: Input operand 0 has a mismatch in its core
   dimension 1 ..."), empty otherwise. */
typedef struct ul_call_info {
    int status;               /* same as the return value                  */
    int operand;              /* the operand an error concerns, or -1      */
    ptrdiff_t outer_size;     /* matrices (outer iterations) computed      */
    ptrdiff_t nfailed;        /* singular matrices (UL_ESINGULAR)          */
    ptrdiff_t first_failed;   /* flat C-order outer index of the first; -1 */
    char message[256];
} ul_call_info;

/* Checks g, the operand count, types (the loop whose row matches every
 * operand's type exactly is chosen), pointers, core dims against the
 * signature and the outer dims against numpy's broadcasting rules (outputs
 * must have the full broadcast shape; an operand, inputs first, with
 * fewer dims than its core drops its '?' dims in signature order until it
 * has enough, and a dropped dim is then absent from every operand naming
 * it, as numpy's _validate_num_dims does; numpy's texts for too few dims
 * and mismatched core dims), then runs the loop over the whole
 * stack. On any validation error nothing is written. Returns UL_OK, or
 * UL_ESINGULAR when the loop ran but some matrices failed (their outputs
 * are NaN, the others are computed), or an error code. The caller's
 * floating-point exception flags are left as they were, but for
 * FE_INEXACT, which may be raised (clearing it costs ~10 ns a call; numpy
 * never reads it). An output whose
 * bytes meet an input's gets numpy's result (as if every input were read
 * first: such inputs are copied; ul_plan_run too). `info` may be
 * NULL. Reentrant. */
int ul_gufunc_call(const ul_gufunc *g, int nops, const ul_operand *ops,
                   ul_call_info *info);

/* The same with flat arrays, for bindings: data[nops], types[nops],
   ndims[nops]; shapes and strides are the operands' shape and stride
   arrays concatenated. */
int ul_gufunc_callv(const ul_gufunc *g, int nops, char *const *data,
                    const int *types, const int *ndims,
                    const ptrdiff_t *shapes, const ptrdiff_t *strides,
                    ul_call_info *info);

/* Output shapes for given input shapes, without running anything: writes
 * each output's ndim to out_ndims[nout] and its shape, concatenated, to
 * out_shapes (room for out_cap sizes). Same checks and messages as
 * ul_gufunc_call for the inputs. Output core dims that no input defines
 * give UL_ESHAPE; '?' dims the inputs drop are not in the outputs
 * (matmul: (k) and (k,m) give (m)). */
int ul_gufunc_shapes(const ul_gufunc *g, int nin, const int *in_ndims,
                     const ptrdiff_t *in_shapes, int *out_ndims,
                     ptrdiff_t *out_shapes, size_t out_cap,
                     ul_call_info *info);

/* Index of the loop whose input types (nin numbers) match exactly, or -1. */
int ul_gufunc_loop_for(const ul_gufunc *g, const int *in_types);

/* ---- prepared call plans (prepare once, call many) ----------------------
 * A call whose types, shapes and strides repeat (a filter's step) can be
 * validated once: ul_plan_new does every check ul_gufunc_call does except
 * the data pointers' (same status codes and messages; ops[i].data is not
 * read), binds the loop, coalesces the outer axes and works out the
 * loop's dimensions and steps; ul_plan_run then only calls the loop on
 * new data pointers. Nothing is kept of the caller's arrays.
 *
 *   ul_plan *p;
 *   ul_plan_new(ul_gufunc_find("inv"), 2, ops, &p, &info);   (once)
 *   char *data[2] = { (char *)a, (char *)x };
 *   rc = ul_plan_run(p, data, NULL);                          (each step)
 *   ul_plan_free(p);
 *
 * ul_plan_new: UL_OK with *out set, or an error code with *out = NULL
 *   (UL_ENOMEM: the plan's one allocation, through ul_set_allocator). The
 *   row g must outlive the plan (a run-time row: free its plans before
 *   ul_ffi_gufunc_release). info may be NULL.
 * ul_plan_newv: the same from the flat arrays of ul_gufunc_callv.
 * ul_plan_run: data[nops], inputs then outputs, each the address of that
 *   operand's element [0,...,0] in the layout the plan was made for.
 *   Returns what ul_gufunc_call would: UL_EINVAL (NULL plan, NULL data
 *   for an operand with elements: nothing written), UL_OK, UL_ESINGULAR
 *   (info.nfailed, info.first_failed), UL_ENOMEM (the loop's workspace),
 *   with the same messages; the caller's FP flags are left as they were
 *   (FE_INEXACT aside; see ul_plan_fp_flags for runs that skip this).
 *   With info = NULL nothing but the return value is reported (no
 *   message is formatted). Any number of threads may run one plan at
 *   once; ul_plan_free must not overlap a run.
 * ul_plan_free: NULL is allowed. */
typedef struct ul_plan ul_plan;
int ul_plan_new(const ul_gufunc *g, int nops, const ul_operand *ops,
                ul_plan **out, ul_call_info *info);
int ul_plan_newv(const ul_gufunc *g, int nops, const int *types,
                 const int *ndims, const ptrdiff_t *shapes,
                 const ptrdiff_t *strides, ul_plan **out,
                 ul_call_info *info);
int ul_plan_run(const ul_plan *p, char *const *data, ul_call_info *info);
void ul_plan_free(ul_plan *p);

/* What ul_plan_run does with the FP exception flags (since UL_0.3):
 *   UL_FP_RESTORE   (every new plan) the caller's flags are left as they
 *                   were, FE_INEXACT aside, which may be raised. Costs two
 *                   reads of the FP status per run, each of which waits
 *                   for the FP work before it: ~3 ns on a 4x4 inverse,
 *                   ~10 ns on a 1x1 (bench/bench_plan.sh).
 *   UL_FP_UNTOUCHED a plan of one matrix neither reads nor restores
 *                   them: flags its arithmetic raised (say FE_DIVBYZERO on
 *                   a singular matrix, FE_UNDERFLOW) may stay raised, as
 *                   after inlined C code or a LAPACK call; none is
 *                   cleared. Failures are reported as always.
 * Returns UL_OK, or UL_EINVAL (NULL plan, unknown mode). Not while the
 * plan runs. */
#define UL_FP_RESTORE   0
#define UL_FP_UNTOUCHED 1
int ul_plan_fp_flags(ul_plan *p, int mode);

/* ---- allocation ---------------------------------------------------------
 * Every block the library allocates (loop workspaces larger than a few KiB,
 * run-time rows, registry growth, scratch of run-time loops) comes from
 * malloc_fn and goes back through free_fn; NULL for both restores malloc
 * and free (one NULL alone: UL_EINVAL). Change it only while no other
 * thread is inside the library; free_fn must accept blocks from the
 * allocator it replaces (wrap malloc/free, e.g. to count or to fail the
 * k-th allocation in a test). A failed allocation is reported: UL_ENOMEM
 * from the driver and ul_ffi_gufunc_new, ul_loop_report.status from the
 * loops (their outputs NaN-filled), FE_INVALID for numpy. */
int ul_set_allocator(void *(*malloc_fn)(size_t), void (*free_fn)(void *));

/* ---- threads ------------------------------------------------------------ */
/* Big stacks of small matrices (count N of n x n, n <= 16: each thread gets
 * N n^3 >= 10^6 and at least 64 matrices) are shared among this many
 * threads in chunks of N / (4 * threads) matrices rounded down to a multiple
 * of 16; results are bit-identical whatever the split. The helper threads are
 * started by the first big call and kept; after a call they spin for
 * 0.5 ms, then sleep. One call at a time uses them (a concurrent big call
 * runs on its caller's thread alone). The LAPACK path (n > 16) never
 * splits, so it cannot oversubscribe OpenBLAS's own threads. n = 1 turns
 * splitting off; n = 0 restores the default ($UL_NUM_THREADS, else the
 * online core count); at most 8. Returns the previous setting (0 for the
 * default). Thread-safe.
 * fork(): a forked child starts with no helpers (they restart on its first
 * big call), and a fork waits until no thread is inside one of the
 * library's LAPACK calls (OpenBLAS's locks are not fork-safe), so the child
 * can call every gufunc; OpenBLAS calls made outside the library are not
 * covered (nor a fork from a signal handler that interrupted a gufunc call
 * of the library on the same thread: it would wait for that call). */
int ul_set_num_threads(int n);

/* ---- the loops (also reachable through the table) ---------------------- */
/* s = float32, d = float64, c = complex64, z = complex128 */
void ul_sinv_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_dinv_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_cinv_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_zinv_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_ssolve_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_dsolve_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_csolve_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_zsolve_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_ssolve1_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_dsolve1_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_csolve1_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_zsolve1_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_sdet_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_ddet_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_cdet_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_zdet_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_sslogdet_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_dslogdet_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_cslogdet_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_zslogdet_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
/* eig, eigvals: no complex64 loop (numpy 1.24); outputs complex64 for s */
void ul_seig_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_deig_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_zeig_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_seigvals_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_deigvals_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);
void ul_zeigvals_loop(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps, void *data);

/* ---- the copier (numpy's linearize / delinearize) ---------------------- */
/* ul_?linearize: copy the rows x cols matrix at src, element (i, j) at byte
 * offset i*row_stride + j*col_stride (any sign, zero included), into the
 * Fortran-ordered (column-major) buffer dst with leading dimension ld >=
 * rows (in elements): dst[i + j*ld] = src(i, j).
 * ul_?delinearize is the inverse: dst(i, j) = src[i + j*ld]. Where a zero
 * stride maps several elements to one address, the last one written wins
 * (as numpy's delinearize). Both return UL_EINVAL for a NULL pointer with a
 * non-empty matrix, negative sizes or ld < rows, and copy nothing then. */
int ul_slinearize(void *dst, ptrdiff_t ld, const void *src, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t row_stride, ptrdiff_t col_stride);
int ul_dlinearize(void *dst, ptrdiff_t ld, const void *src, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t row_stride, ptrdiff_t col_stride);
int ul_clinearize(void *dst, ptrdiff_t ld, const void *src, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t row_stride, ptrdiff_t col_stride);
int ul_zlinearize(void *dst, ptrdiff_t ld, const void *src, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t row_stride, ptrdiff_t col_stride);
int ul_sdelinearize(void *dst, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t row_stride, ptrdiff_t col_stride, const void *src, ptrdiff_t ld);
int ul_ddelinearize(void *dst, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t row_stride, ptrdiff_t col_stride, const void *src, ptrdiff_t ld);
int ul_cdelinearize(void *dst, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t row_stride, ptrdiff_t col_stride, const void *src, ptrdiff_t ld);
int ul_zdelinearize(void *dst, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t row_stride, ptrdiff_t col_stride, const void *src, ptrdiff_t ld);

/* ---- run-time gufuncs from scalar C functions (bridge/ul_ffi.c) ---- */
/* A C function whose signature is only known at run time becomes a gufunc
 * row like the built-ins: registered (ul_gufunc_find finds it), run by
 * ul_gufunc_call / ul_gufunc_callv, usable by numpy. Calls go through a
 * libffi call interface prepared once; double(double), double(double,
 * double), float(float) and float(float, float) in the value-returning
 * element-wise style take typed direct-call loops instead, and on x86-64
 * SysV every other element-wise function is called directly too, its
 * argument registers planned once (no ffi_call per element).
 *
 * types: ntypes*(nin+nout) type letters, one row per function, inputs then
 *   outputs (numpy's type chars): '?' bool (C _Bool), 'i' int32_t, 'q'
 *   int64_t, 'f' float, 'd' double, 'F' float complex, 'D' double complex.
 *   Any other letter, or a string of the wrong length: UL_EBADTYPE.
 * nin >= 1, nout >= 1, nin + nout <= 32; ntypes >= 1 (else UL_EINVAL).
 * fns[ntypes]: the functions, fns[k] for row k (NULL: UL_EINVAL).
 * flags: UL_FFI_RETURN (0), value-returning: out0 = f(in0, ..., in_{nin-1}),
 *   nout must be 1 (else UL_EINVAL). UL_FFI_STACK_INPUTS (1), pointer
 *   style (PyPy's stack_inputs): void f(in0, ..., out0 *, ...), inputs by
 *   value, outputs by pointer. Add UL_FFI_GENERIC (2) to refuse every
 *   direct call (each element goes through ffi_call), or UL_FFI_NO_TYPED
 *   (4) to refuse only the typed loops (tests and benchmarks).
 * signature: NULL or "" for an element-wise gufunc (the row's signature is
 *   then all scalar cores, "(),()->()"). Otherwise a gufunc signature
 *   such as "(n),(n)->()" (bad: UL_EBADSIG; its operand count must be
 *   nin+nout). f is then called once per outer iteration (core block):
 *   every operand, inputs then outputs, is passed as a POINTER to its core
 *   block laid out C-contiguous (row-major, packed), followed by the size of
 *   every distinct core dimension as one ptrdiff_t argument each, in order
 *   of first appearance in the signature (the loop ABI's dimensions[1..];
 *   a fixed size such as the 3 of "(3)->()" is passed too; sizes may be 0):
 *     "(m,n),(n,p)->(m,p)", STACK_INPUTS:
 *       void matmul(const double *a, const double *b, double *c,
 *                   ptrdiff_t m, ptrdiff_t n, ptrdiff_t p);
 *     "(n),(n)->()", RETURN (the output core must be "()"; it is the
 *     return value and is not passed):
 *       double dot(const double *a, const double *b, ptrdiff_t n);
 *   Operands already C-contiguous are passed in place; others are copied
 *   into scratch (outputs are copied back after the call). f must not
 *   write its inputs. If the scratch cannot be allocated the loop writes
 *   nothing and raises FE_INVALID.
 * name (required, copied), doc (may be NULL, copied): the row's strings.
 *   A name already registered (built-in or not): UL_EBUSY.
 * out: receives the row on UL_OK (NULL otherwise). It stays valid until
 *   ul_ffi_gufunc_release.
 * msg, msglen: when msg is not NULL, a readable sentence about a failure
 *   (empty on success).
 * libffi refusing the described signature gives UL_EFFI. Thread-safe; the
 * loops of one row may run in any number of threads at once. Each loop's
 * table data pointer is its private descriptor (never NULL). */
enum { UL_FFI_RETURN = 0, UL_FFI_STACK_INPUTS = 1, UL_FFI_GENERIC = 2,
       UL_FFI_NO_TYPED = 4 };
int ul_ffi_gufunc_new(const char *name, int nin, int nout, int ntypes,
                      void *const *fns, const char *types, int flags,
                      const char *signature, const char *doc,
                      const ul_gufunc **out, char *msg, size_t msglen);
/* Unregisters and frees a row made by ul_ffi_gufunc_new. UL_ENOTFOUND if
 * g is not such a live row (NULL, a built-in, already released); UL_EBUSY,
 * with nothing changed, while one of its loops is running in any thread.
 * The caller must not start new calls on g once it releases it. */
int ul_ffi_gufunc_release(const ul_gufunc *g);
/* 1 when loop k of g (a row of ul_ffi_gufunc_new) calls its function
 * directly (typed or register-class), 0 when through ffi_call, -1 for a
 * bad g or k. */
int ul_ffi_gufunc_is_direct(const ul_gufunc *g, int k);

/* UL_CDEF_END */

#ifdef __cplusplus
}
#endif
#endif /* UMATH_LINALG_H */
