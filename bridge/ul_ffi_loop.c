/*
 * ul_ffi_loop.c - the loops of run-time rows (ul_ffi.c builds the rows):
 * element-wise through libffi, typed direct calls for the common libm
 * shapes, and core-block rows (operands packed into aligned C-ordered
 * scratch unless already so). Operands may sit at any byte address; the
 * user's function always gets aligned values and pointers.
 */
#include "ul_ffi.h"

#include <complex.h>
#include <fenv.h>
#include <stdint.h>
#include <string.h>

/* Stores a libffi return value (rv, at least sizeof(ffi_arg) bytes and
   aligned) as one element of type letter c at dst. Integers narrower than
   ffi_arg come back widened (libffi's rule) and are narrowed here. */
static inline void store_ret(char *dst, char c, const void *rv)
{
    switch (c) {
    case '?': { _Bool b = (*(const ffi_arg *)rv & 0xff) != 0;
                memcpy(dst, &b, 1); break; }
    case 'i': { int32_t v = (int32_t)*(const ffi_arg *)rv;
                memcpy(dst, &v, 4); break; }
    case 'q': case 'd': case 'F': memcpy(dst, rv, 8); break;
    case 'f': memcpy(dst, rv, 4); break;
    case 'D': memcpy(dst, rv, 16); break;
    default: break;
    }
}

typedef union ul_ffi_ret {
    ffi_arg a;
    int64_t q;
    double d;
    double complex z;
    char bytes[32];
} ul_ffi_ret;

/* ---- element-wise loops ---- */

/* Through libffi. Operands may sit at any byte address (the header's rule),
   so each element goes through an aligned local slot: the inputs are copied
   in, and in STACK_INPUTS style each output is passed as a pointer to its
   slot (holding the element's old value), copied out after the call. */
UL_HIDDEN void ul_ffi_elem_loop(char **args, const ptrdiff_t *dimensions,
                          const ptrdiff_t *steps, void *data)
{
    ul_ffi_fn *f = data;
    const ul_ffi_handle *h = f->owner;
    const ptrdiff_t n = dimensions[0];
    const int nin = h->nin, nargs = h->nargs;
    char *p[UL_FFI_MAXARGS];
    void *outp[UL_FFI_MAXARGS];
    void *avalue[UL_FFI_MAXARGS];
    ul_ffi_ret slot[UL_FFI_MAXARGS];
    ul_ffi_ret rv;

    ul_ffi_enter(f);
    for (int i = 0; i < nargs; i++)
        p[i] = args[i];
    for (int i = 0; i < nin; i++)
        avalue[i] = &slot[i];
    for (int j = nin; j < nargs; j++) {
        outp[j] = &slot[j];
        avalue[j] = &outp[j];
    }
    for (ptrdiff_t k = 0; k < n; k++) {
        for (int i = 0; i < nin; i++)
            memcpy(&slot[i], p[i], f->elsize[i]);
        if (h->stack_inputs) {
            for (int j = nin; j < nargs; j++)
                memcpy(&slot[j], p[j], f->elsize[j]);
            ffi_call(&f->cif, f->fn, NULL, avalue);
            for (int j = nin; j < nargs; j++)
                memcpy(p[j], &slot[j], f->elsize[j]);
        } else {
            ffi_call(&f->cif, f->fn, &rv, avalue);
            store_ret(p[nin], f->codes[nin], &rv);
        }
        for (int i = 0; i < nargs; i++)
            p[i] += steps[i];
    }
    ul_ffi_leave(f);
}

/* Direct calls: the same loop the compiler would write by hand; elements
   move by memcpy (any byte address; one plain load or store on x86-64). */
#define UL_FFI_DIRECT1(name, T)                                             \
    static void name(char **args, const ptrdiff_t *dimensions,              \
                     const ptrdiff_t *steps, void *data)                    \
    {                                                                       \
        ul_ffi_fn *f = data;                                                \
        T (*fn)(T) = (T (*)(T))f->fn;                                       \
        const ptrdiff_t n = dimensions[0], s0 = steps[0], s1 = steps[1];    \
        char *a = args[0], *o = args[1];                                    \
        ul_ffi_enter(f);                                                    \
        for (ptrdiff_t k = 0; k < n; k++, a += s0, o += s1) {               \
            T x, r;                                                         \
            memcpy(&x, a, sizeof x);                                        \
            r = fn(x);                                                      \
            memcpy(o, &r, sizeof r);                                        \
        }                                                                   \
        ul_ffi_leave(f);                                                    \
    }
#define UL_FFI_DIRECT2(name, T)                                             \
    static void name(char **args, const ptrdiff_t *dimensions,              \
                     const ptrdiff_t *steps, void *data)                    \
    {                                                                       \
        ul_ffi_fn *f = data;                                                \
        T (*fn)(T, T) = (T (*)(T, T))f->fn;                                 \
        const ptrdiff_t n = dimensions[0];                                  \
        const ptrdiff_t s0 = steps[0], s1 = steps[1], s2 = steps[2];        \
        char *a = args[0], *b = args[1], *o = args[2];                      \
        ul_ffi_enter(f);                                                    \
        for (ptrdiff_t k = 0; k < n; k++, a += s0, b += s1, o += s2) {      \
            T x, y, r;                                                      \
            memcpy(&x, a, sizeof x);                                        \
            memcpy(&y, b, sizeof y);                                        \
            r = fn(x, y);                                                   \
            memcpy(o, &r, sizeof r);                                        \
        }                                                                   \
        ul_ffi_leave(f);                                                    \
    }
UL_FFI_DIRECT1(direct_d_d, double)
UL_FFI_DIRECT2(direct_d_dd, double)
UL_FFI_DIRECT1(direct_f_f, float)
UL_FFI_DIRECT2(direct_f_ff, float)
#undef UL_FFI_DIRECT1
#undef UL_FFI_DIRECT2

/* The direct loop for a row, or NULL. */
UL_HIDDEN ul_loop ul_ffi_direct_loop(const ul_ffi_handle *h, const char *codes)
{
    if (h->stack_inputs || h->has_core || h->nout != 1)
        return NULL;
    if (h->nin == 1 && !strncmp(codes, "dd", 2))
        return direct_d_d;
    if (h->nin == 2 && !strncmp(codes, "ddd", 3))
        return direct_d_dd;
    if (h->nin == 1 && !strncmp(codes, "ff", 2))
        return direct_f_f;
    if (h->nin == 2 && !strncmp(codes, "fff", 3))
        return direct_f_ff;
    return NULL;
}

/* ---- core-block loop (rows with a signature) ---- */

/* Walks the nd-dimensional block (shape, byte strides) at strided, copying
   each element (size bytes) to or from the packed C-ordered buffer. */
static void block_copy(char *packed, char *strided, int nd,
                       const ptrdiff_t *shape, const ptrdiff_t *strides,
                       size_t size, int to_packed)
{
    ptrdiff_t idx[UL_FFI_MAXDIMS];
    for (int d = 0; d < nd; d++) {
        if (shape[d] == 0)
            return;
        idx[d] = 0;
    }
    char *s = strided;
    for (;;) {
        if (to_packed)
            memcpy(packed, s, size);
        else
            memcpy(s, packed, size);
        packed += size;
        int d = nd - 1;
        for (; d >= 0; d--) {
            s += strides[d];
            if (++idx[d] < shape[d])
                break;
            s -= strides[d] * shape[d];
            idx[d] = 0;
        }
        if (d < 0)
            return;
    }
}

/* The alignment f may assume for a pointer to an element of type c. */
static size_t elem_align(char c)
{
    switch (c) {
    case '?': return _Alignof(_Bool);
    case 'i': return _Alignof(int32_t);
    case 'q': return _Alignof(int64_t);
    case 'f': case 'F': return _Alignof(float);
    case 'd': case 'D': return _Alignof(double);
    default: return 1;
    }
}

static void raise_invalid(void)
{
    feraiseexcept(FE_INVALID);
}

UL_HIDDEN void ul_ffi_core_loop(char **args, const ptrdiff_t *dimensions,
                          const ptrdiff_t *steps, void *data)
{
    ul_ffi_fn *f = data;
    const ul_ffi_handle *h = f->owner;
    const ptrdiff_t n = dimensions[0];
    const int nin = h->nin, nargs = h->nargs;
    /* operands passed to f: all in STACK_INPUTS style, else the inputs */
    const int npass = h->stack_inputs ? nargs : nin;
    ptrdiff_t shape[UL_FFI_MAXARGS][UL_FFI_MAXDIMS];
    const ptrdiff_t *cstrides[UL_FFI_MAXARGS];
    char *scratch[UL_FFI_MAXARGS];
    size_t need = 0, offset[UL_FFI_MAXARGS];
    char *p[UL_FFI_MAXARGS], *buf = NULL;
    int empty[UL_FFI_MAXARGS];
    void *ptrs[UL_FFI_MAXARGS];
    void *avalue[UL_FFI_MAXARGS + UL_FFI_MAXDIMS];
    ptrdiff_t sizes[UL_FFI_MAXDIMS];
    ul_ffi_ret rv;

    ul_ffi_enter(f);
    for (int d = 0; d < h->ndims; d++) {
        sizes[d] = dimensions[1 + d];
        avalue[npass + d] = &sizes[d];
    }
    /* which operands need packing; scratch offsets. An operand is passed in
     * place when its blocks are C-contiguous and every block starts aligned
     * for its type (f receives a typed pointer); an empty one is passed as
     * it is and never offset (its pointer may be NULL). */
    for (int i = 0; i < nargs; i++)
        empty[i] = 0;
    for (int i = 0; i < npass; i++) {
        const int nd = h->core_nd[i];
        const size_t align = elem_align(f->codes[i]);
        size_t count = 1, expect = f->elsize[i];
        int packed = (uintptr_t)args[i] % align == 0 &&
                     (n <= 1 || steps[i] % (ptrdiff_t)align == 0);
        cstrides[i] = steps + nargs + h->core_off[i];
        for (int d = 0; d < nd; d++)
            shape[i][d] = dimensions[1 + h->core_ix[h->core_off[i] + d]];
        for (int d = nd - 1; d >= 0; d--) {
            if (shape[i][d] == 0)
                empty[i] = 1;
            if (shape[i][d] != 1 && cstrides[i][d] != (ptrdiff_t)expect)
                packed = 0;
            if (__builtin_mul_overflow(expect, (size_t)shape[i][d], &expect)
                || __builtin_mul_overflow(count, (size_t)shape[i][d], &count))
                goto fail_nomem;
        }
        scratch[i] = NULL;
        offset[i] = (size_t)-1;
        if (!packed && !empty[i]) {
            offset[i] = need;
            /* round each buffer up to 16 bytes: complex alignment */
            size_t bytes = (expect + 15) & ~(size_t)15;
            if (bytes < expect || __builtin_add_overflow(need, bytes, &need))
                goto fail_nomem;
        }
        avalue[i] = &ptrs[i];
    }
    if (need) {
        buf = ul_malloc(need);      /* malloc's alignment: 16 bytes */
        if (!buf)
            goto fail_nomem;
        for (int i = 0; i < npass; i++)
            if (offset[i] != (size_t)-1)
                scratch[i] = buf + offset[i];
    }
    for (int i = 0; i < nargs; i++)
        p[i] = args[i];
    for (ptrdiff_t k = 0; k < n; k++) {
        for (int i = 0; i < npass; i++) {
            if (scratch[i]) {
                if (i < nin)
                    block_copy(scratch[i], p[i], h->core_nd[i], shape[i],
                               cstrides[i], f->elsize[i], 1);
                ptrs[i] = scratch[i];
            } else {
                ptrs[i] = p[i];
            }
        }
        if (h->stack_inputs) {
            ffi_call(&f->cif, f->fn, NULL, avalue);
            for (int j = nin; j < nargs; j++)
                if (scratch[j])
                    block_copy(scratch[j], p[j], h->core_nd[j], shape[j],
                               cstrides[j], f->elsize[j], 0);
        } else {
            ffi_call(&f->cif, f->fn, &rv, avalue);
            store_ret(p[nin], f->codes[nin], &rv);
        }
        for (int i = 0; i < nargs; i++)
            if (!empty[i])
                p[i] += steps[i];
    }
    ul_free(buf);
    ul_ffi_leave(f);
    return;

fail_nomem:
    /* numpy sees FE_INVALID; the driver turns the note into UL_ENOMEM */
    ul_loop_note_enomem();
    raise_invalid();
    ul_ffi_leave(f);
}
