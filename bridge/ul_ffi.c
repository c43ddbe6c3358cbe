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
        direct = ul_ffi_direct_loop(h, f->codes);
    if (!direct && (allow_direct & 2) && !h->has_core
        && ul_ffi_regcall_plan(f, nin, nargs, h->stack_inputs))
        direct = ul_ffi_regcall_loop;
    f->direct = direct != NULL;
    h->funcs[k] = direct ? direct : h->has_core ? ul_ffi_core_loop
                                                : ul_ffi_elem_loop;
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
