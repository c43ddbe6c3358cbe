/*
 * ul_ffi.c - run-time gufuncs from scalar C functions ("frompyfunc in C").
 *
 * ul_ffi_gufunc_new describes a C function by type letters, prepares one
 * libffi call interface per function, builds a ul_gufunc row whose loops
 * call it and registers the row. Element-wise rows call directly: typed
 * loops for double(double), double(double, double), float(float),
 * float(float, float), and register-class calls for any other signature
 * (ul_ffi_regcall.c, x86-64 SysV); rows with a signature, and everything
 * on other targets, go through ffi_call.
 * ul_ffi_gufunc_release unregisters and frees it, refusing with UL_EBUSY
 * while a loop of the row runs. The contract is in umath_linalg.h.
 */
#include "ul_ffi.h"
#include "ul_sig.h"

#include <complex.h>
#include <fenv.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(_Bool) == 1, "bool is passed as one byte");
_Static_assert(sizeof(ptrdiff_t) == 8 || sizeof(ptrdiff_t) == 4,
               "ptrdiff_t is a 32- or 64-bit integer");

/* ---- live handles ---- */

static pthread_mutex_t ul_ffi_lock = PTHREAD_MUTEX_INITIALIZER;
static ul_ffi_handle *ul_ffi_live;          /* guarded by ul_ffi_lock */

/* ---- type letters ---- */

typedef struct ul_ffi_code {
    char letter;
    int type;                  /* numpy type number */
    size_t size;               /* bytes */
    ffi_type *ffi;
} ul_ffi_code;

static const ul_ffi_code *code_of(char c)
{
    static const ul_ffi_code codes[] = {
        { '?', UL_BOOL, sizeof(_Bool), &ffi_type_uint8 },
        { 'i', UL_INT32, sizeof(int32_t), &ffi_type_sint32 },
        { 'q', UL_INT64, sizeof(int64_t), &ffi_type_sint64 },
        { 'f', UL_FLOAT, sizeof(float), &ffi_type_float },
        { 'd', UL_DOUBLE, sizeof(double), &ffi_type_double },
        { 'F', UL_CFLOAT, sizeof(float complex), &ffi_type_complex_float },
        { 'D', UL_CDOUBLE, sizeof(double complex), &ffi_type_complex_double },
    };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i].letter == c)
            return &codes[i];
    return NULL;
}

static ffi_type *ffi_ptrdiff_type(void)
{
    return sizeof(ptrdiff_t) == 8 ? &ffi_type_sint64 : &ffi_type_sint32;
}

/* ---- helpers ---- */

static int fail(int status, char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(int status, char *msg, size_t msglen, const char *fmt, ...)
{
    if (msg && msglen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, msglen, fmt, ap);
        va_end(ap);
    }
    return status;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = ul_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

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
static void ffi_elem_loop(char **args, const ptrdiff_t *dimensions,
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
static ul_loop direct_loop(const ul_ffi_handle *h, const char *codes)
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

static void ffi_core_loop(char **args, const ptrdiff_t *dimensions,
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

/* ---- building a row ---- */

/* "(),()->()" for nin inputs and nout outputs: an element-wise row. */
static char *scalar_signature(int nin, int nout)
{
    char *s = ul_malloc(3 * (size_t)(nin + nout) + 3), *p = s;
    if (!s)
        return NULL;
    for (int i = 0; i < nin + nout; i++) {
        if (i == nin) {
            memcpy(p - (i ? 1 : 0), "->", 2);
            p += i ? 1 : 2;
        }
        memcpy(p, "(),", 3);
        p += 3;
    }
    p[-1] = '\0';
    return s;
}

static void handle_free(ul_ffi_handle *h)
{
    if (!h)
        return;
    ul_free(h->fns);
    ul_free(h->data);
    ul_free(h->funcs);
    ul_free(h->types);
    ul_free(h->doc);
    ul_free(h->signature);
    ul_free(h->name);
    ul_free(h);
}

/* Fills h's core layout from the signature (h->has_core set). */
static int parse_core(ul_ffi_handle *h, const char *signature, char *msg,
                      size_t msglen)
{
    ul_sig sig;
    char err[200] = "";
    if (ul_sig_parse(signature, h->nin, h->nout, &sig, err, sizeof(err))
        != UL_OK)
        return fail(UL_EBADSIG, msg, msglen, "%s: bad gufunc signature: %s",
                    h->name, err);
    if (sig.ndims > UL_FFI_MAXDIMS)
        return fail(UL_EBADSIG, msg, msglen, "%s: signature \"%s\" has %d "
                    "core dimension names; at most %d are supported",
                    h->name, signature, sig.ndims, UL_FFI_MAXDIMS);
    h->ndims = sig.ndims;
    for (int i = 0; i < h->nargs; i++) {
        if (sig.ncore[i] > UL_FFI_MAXDIMS)
            return fail(UL_EBADSIG, msg, msglen, "%s: operand %d of \"%s\" "
                        "has %d core dimensions; at most %d are supported",
                        h->name, i, signature, sig.ncore[i], UL_FFI_MAXDIMS);
        h->core_nd[i] = sig.ncore[i];
        h->core_off[i] = sig.offset[i];
        for (int d = 0; d < sig.ncore[i]; d++)
            h->core_ix[sig.offset[i] + d] = sig.dim_ix[sig.offset[i] + d];
    }
    if (!h->stack_inputs && h->core_nd[h->nin] != 0)
        return fail(UL_EINVAL, msg, msglen, "%s: the value-returning style "
                    "needs an output core of \"()\"; \"%s\" gives the "
                    "output %d core dimension(s)", h->name, signature,
                    h->core_nd[h->nin]);
    return UL_OK;
}

/* Prepares loop k of h from its letters and function. allow_direct: bit 0
   the typed fast loops (double(double) ...), bit 1 register-class calls. */
static int prep_fn(ul_ffi_handle *h, int k, void *fn, const char *codes,
                   int allow_direct, char *msg, size_t msglen)
{
    ul_ffi_fn *f = &h->fns[k];
    const int nargs = h->nargs, nin = h->nin;
    int nffi = 0;
    ffi_type *rtype = &ffi_type_void;

    f->owner = h;
    f->fn = (void (*)(void))fn;
    for (int i = 0; i < nargs; i++) {
        const ul_ffi_code *c = code_of(codes[i]);
        if (!c)
            return fail(UL_EBADTYPE, msg, msglen, "%s: unknown type letter "
                        "'%c' (0x%02x) for operand %d of function %d; use "
                        "one of ? i q f d F D", h->name,
                        codes[i] ? codes[i] : '?', (unsigned char)codes[i],
                        i, k);
        f->codes[i] = c->letter;
        f->elsize[i] = c->size;
        h->types[k * nargs + i] = (char)c->type;
    }
    if (h->has_core) {
        /* every passed operand as a pointer, then the core sizes */
        int npass = h->stack_inputs ? nargs : nin;
        for (int i = 0; i < npass; i++)
            f->atypes[nffi++] = &ffi_type_pointer;
        for (int d = 0; d < h->ndims; d++)
            f->atypes[nffi++] = ffi_ptrdiff_type();
    } else {
        for (int i = 0; i < nin; i++)
            f->atypes[nffi++] = code_of(f->codes[i])->ffi;
        if (h->stack_inputs)
            for (int j = nin; j < nargs; j++)
                f->atypes[nffi++] = &ffi_type_pointer;
    }
    if (!h->stack_inputs)
        rtype = code_of(f->codes[nin])->ffi;
    ffi_status fs = ffi_prep_cif(&f->cif, FFI_DEFAULT_ABI, (unsigned)nffi,
                                 rtype, f->atypes);
    if (fs != FFI_OK)
        return fail(UL_EFFI, msg, msglen, "%s: libffi refused the C "
                    "signature of function %d (ffi_prep_cif status %d)",
                    h->name, k, (int)fs);
    ul_loop direct = NULL;
    if (allow_direct & 1)
        direct = direct_loop(h, f->codes);
    if (!direct && (allow_direct & 2) && !h->has_core
        && ul_ffi_regcall_plan(f, nin, nargs, h->stack_inputs))
        direct = ul_ffi_regcall_loop;
    f->direct = direct != NULL;
    h->funcs[k] = direct ? direct : h->has_core ? ffi_core_loop
                                                : ffi_elem_loop;
    h->data[k] = f;
    return UL_OK;
}

UL_API int ul_ffi_gufunc_new(const char *name, int nin, int nout, int ntypes,
                             void *const *fns, const char *types, int flags,
                             const char *signature, const char *doc,
                             const ul_gufunc **out, char *msg, size_t msglen)
{
    ul_ffi_handle *h;
    int st;

    if (msg && msglen)
        msg[0] = '\0';
    if (!out)
        return fail(UL_EINVAL, msg, msglen, "out is NULL");
    *out = NULL;
    if (!name || !*name)
        return fail(UL_EINVAL, msg, msglen, "the name is NULL or empty");
    if (!fns || !types)
        return fail(UL_EINVAL, msg, msglen, "%s: %s is NULL", name,
                    fns ? "types" : "fns");
    if (flags & ~(UL_FFI_STACK_INPUTS | UL_FFI_GENERIC | UL_FFI_NO_TYPED))
        return fail(UL_EINVAL, msg, msglen, "%s: unknown flags 0x%x", name,
                    (unsigned)flags);
    if (nin < 1 || nout < 1 || nin > UL_FFI_MAXARGS
        || nout > UL_FFI_MAXARGS - nin)
        return fail(UL_EINVAL, msg, msglen, "%s: nin %d, nout %d: need "
                    "nin >= 1, nout >= 1, nin + nout <= %d", name, nin, nout,
                    UL_FFI_MAXARGS);
    if (!(flags & UL_FFI_STACK_INPUTS) && nout != 1)
        return fail(UL_EINVAL, msg, msglen, "%s: a value-returning function "
                    "has one output, not %d (use UL_FFI_STACK_INPUTS)",
                    name, nout);
    if (ntypes < 1)
        return fail(UL_EINVAL, msg, msglen, "%s: ntypes %d < 1", name,
                    ntypes);
    const int nargs = nin + nout;
    if (strlen(types) != (size_t)ntypes * (size_t)nargs)
        return fail(UL_EBADTYPE, msg, msglen, "%s: %d type letters given "
                    "(\"%s\"), %d functions of %d operands need %d", name,
                    (int)strlen(types), types, ntypes, nargs, ntypes * nargs);
    for (int k = 0; k < ntypes; k++)
        if (!fns[k])
            return fail(UL_EINVAL, msg, msglen, "%s: function %d is NULL",
                        name, k);

    h = ul_calloc(1, sizeof(*h));
    if (!h)
        return fail(UL_ENOMEM, msg, msglen, "out of memory");
    atomic_init(&h->busy, 0);
    h->nin = nin;
    h->nout = nout;
    h->nargs = nargs;
    h->ntypes = ntypes;
    h->stack_inputs = (flags & UL_FFI_STACK_INPUTS) != 0;
    h->has_core = signature && *signature;
    h->name = dup_str(name);
    h->signature = h->has_core ? dup_str(signature)
                               : scalar_signature(nin, nout);
    h->doc = doc ? dup_str(doc) : NULL;
    h->types = ul_calloc((size_t)ntypes * (size_t)nargs, 1);
    h->funcs = ul_calloc((size_t)ntypes, sizeof(*h->funcs));
    h->data = ul_calloc((size_t)ntypes, sizeof(*h->data));
    h->fns = ul_calloc((size_t)ntypes, sizeof(*h->fns));
    if (!h->name || !h->signature || (doc && !h->doc)
        || !h->types || !h->funcs || !h->data || !h->fns) {
        st = fail(UL_ENOMEM, msg, msglen, "out of memory");
        goto fail_1;
    }
    if (h->has_core) {
        st = parse_core(h, signature, msg, msglen);
        if (st != UL_OK)
            goto fail_1;
    }
    for (int k = 0; k < ntypes; k++) {
        st = prep_fn(h, k, fns[k], types + (size_t)k * (size_t)nargs,
                     (flags & UL_FFI_GENERIC) ? 0 :
                     (flags & UL_FFI_NO_TYPED) ? 2 : 3, msg, msglen);
        if (st != UL_OK)
            goto fail_1;
    }
    h->g.name = h->name;
    h->g.nin = nin;
    h->g.nout = nout;
    h->g.signature = h->signature;
    h->g.ntypes = ntypes;
    h->g.types = h->types;
    h->g.funcs = h->funcs;
    h->g.data = h->data;
    h->g.doc = h->doc;

    pthread_mutex_lock(&ul_ffi_lock);
    st = ul_gufunc_register(&h->g);
    if (st == UL_OK) {
        h->next = ul_ffi_live;
        ul_ffi_live = h;
    }
    pthread_mutex_unlock(&ul_ffi_lock);
    if (st != UL_OK) {
        fail(st, msg, msglen, st == UL_EBUSY ? "%s: the name is already "
             "taken" : "%s: registration failed", name);
        goto fail_1;
    }
    *out = &h->g;
    return UL_OK;

fail_1:
    handle_free(h);
    return st;
}

UL_API int ul_ffi_gufunc_release(const ul_gufunc *g)
{
    ul_ffi_handle **pp, *h = NULL;
    int st;

    if (!g)
        return UL_ENOTFOUND;
    pthread_mutex_lock(&ul_ffi_lock);
    for (pp = &ul_ffi_live; *pp; pp = &(*pp)->next)
        if (&(*pp)->g == g) {
            h = *pp;
            break;
        }
    if (!h) {
        st = UL_ENOTFOUND;
    } else if (atomic_load(&h->busy) != 0) {
        st = UL_EBUSY;
    } else {
        st = ul_gufunc_unregister(&h->g);
        if (st == UL_OK || st == UL_ENOTFOUND) {
            *pp = h->next;
            st = UL_OK;
        } else {
            h = NULL;
        }
    }
    pthread_mutex_unlock(&ul_ffi_lock);
    if (st == UL_OK)
        handle_free(h);
    return st;
}

UL_API int ul_ffi_gufunc_is_direct(const ul_gufunc *g, int k)
{
    int r = -1;
    pthread_mutex_lock(&ul_ffi_lock);
    for (ul_ffi_handle *h = ul_ffi_live; h; h = h->next)
        if (&h->g == g) {
            if (k >= 0 && k < h->ntypes)
                r = h->fns[k].direct;
            break;
        }
    pthread_mutex_unlock(&ul_ffi_lock);
    return r;
}
