/*
 * ul_driver.c - runs a gufunc over operands given as (data, type, ndim,
 * shape, byte strides), for callers that are not numpy: checks everything
 * first (nothing is written on a validation error), binds core dimensions
 * against the signature, broadcasts the outer dimensions by numpy's rules,
 * coalesces them, and calls the loop once per innermost run (once in all
 * for the usual contiguous or broadcast stacks). Optional core dims
 * ("n?", numpy's UFUNC_CORE_DIM_CAN_IGNORE) that an operand with too few
 * dims lacks are dropped as numpy drops them: for every operand that names
 * them, the loop sees size 1 and stride 0. Failures reported by the
 * loops (ul_loop_report) come back as a count and the first flat index;
 * the caller's FP exception flags are restored afterwards.
 *
 * One call is validate (-> bound) -> prepare (-> ul_plan: the loop, its
 * dimensions and steps, the coalesced outer axes) -> execute (data
 * pointers in, loop calls, status out). ul_gufunc_call does all three on
 * the stack; ul_plan_new keeps the first two's result on the heap so that
 * ul_plan_run does only the third (prepare once, call many: libffi's
 * ffi_prep_cif / ffi_call).
 */
#include "ul_impl.h"
#include "ul_sig.h"
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define UL_MAX_NDIM 64     /* dimensions of one operand */

/* Set by a loop with its own data pointer (a run-time row) that could not
 * allocate (ul_loop_note_enomem); read and cleared around each such loop
 * call. The built-in loops report through ul_loop_report instead. */
static _Thread_local int ul_loop_enomem;

UL_HIDDEN void ul_loop_note_enomem(void)
{
    ul_loop_enomem = 1;
}

/* What validation binds: signature, loop, sizes, broadcast shape. */
typedef struct bound {
    const ul_sig *sig;               /* the table's cache, or &parsed    */
    ul_sig parsed;
    int loop;                        /* chosen row of the table         */
    int nouter;                      /* broadcast outer ndim            */
    ptrdiff_t outer[UL_MAX_NDIM];    /* broadcast outer shape           */
    ptrdiff_t outer_size;            /* product of outer                */
    ptrdiff_t size[UL_MAX_CORE];     /* per distinct core dim, -1 unset */
    int ncore[UL_MAX_ARGS];          /* core dims of each operand in its
                                        shape (sig's minus missing ones) */
    unsigned char missing[UL_MAX_CORE]; /* per distinct dim: dropped ('?') */
    uint32_t nonempty;               /* bit i: operand i has elements, so
                                        its data must not be NULL      */
} bound;

/* A validated call in the form the loop takes it (the public opaque type;
 * ul_gufunc_call builds one on its stack, pointing at local arrays). */
struct ul_plan {
    const ul_gufunc *g;
    ul_loop fn;
    ul_kernel_fn kern;               /* one matrix: fn's small kernel, run
                                        directly (ul_small_bind), or NULL */
    void *table_data;                /* g->data[loop], NULL for built-ins */
    int nargs;
    int naxes;                       /* coalesced outer axes, >= 1; the
                                        last one is the loop's own N    */
    int ndims, nsteps;               /* lengths of dims, steps          */
    uint32_t nonempty;               /* as bound.nonempty               */
    ptrdiff_t outer_size;            /* matrices per run                */
    const ptrdiff_t *dims;           /* the loop's dimensions[]         */
    const ptrdiff_t *steps;          /* the loop's steps[]              */
    const ptrdiff_t *shape;          /* [naxes] outer sizes             */
    const ptrdiff_t *stride;         /* [naxes][nargs] outer byte strides */
    ptrdiff_t lo[UL_MAX_ARGS];       /* each operand's bytes: data + lo  */
    ptrdiff_t hi[UL_MAX_ARGS];       /* to data + hi (lo = hi: empty)    */
    ptrdiff_t mem[];                 /* heap plans: the four arrays     */
};

/* Room for the arrays of any plan (prepare writes here first). */
typedef struct plan_arrays {
    ptrdiff_t dims[1 + UL_MAX_CORE];
    ptrdiff_t steps[UL_MAX_ARGS + UL_MAX_CORE];
    ptrdiff_t shape[UL_MAX_NDIM];
    ptrdiff_t stride[UL_MAX_NDIM * UL_MAX_ARGS];
} plan_arrays;

/* What a failed matrix means for the family (numpy's LinAlgError texts
 * say the same): one status, UL_ESINGULAR, for all of them. */
static const char *failure_text(const char *name)
{
    static const struct { const char *prefix, *text; } texts[] = {
        { "cholesky", "are not positive definite" },
        { "eig", "did not converge (eigenvalues)" },
        { "svd", "did not converge (SVD)" },
        { "lstsq", "did not converge (SVD in linear least squares)" },
        { "qr", "had an incorrect argument for QR" },
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (strncmp(name, texts[i].prefix, strlen(texts[i].prefix)) == 0)
            return texts[i].text;
    return "are singular";
}

static int fail(ul_call_info *info, const ul_gufunc *g, int status,
                int operand, const char *fmt, ...)
{
    if (info == NULL)
        return status;          /* ul_plan_run without an info block */
    info->status = status;
    info->operand = operand;
    int len = snprintf(info->message, sizeof info->message, "%s: ",
                       g && g->name ? g->name : "gufunc");
    if (len < 0 || (size_t)len >= sizeof info->message)
        return status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(info->message + len, sizeof info->message - (size_t)len, fmt, ap);
    va_end(ap);
    return status;
}

static void info_reset(ul_call_info *info)
{
    info->status = UL_OK;
    info->operand = -1;
    info->outer_size = 0;
    info->nfailed = 0;
    info->first_failed = -1;
    info->message[0] = '\0';
}

static size_t type_size(int type)
{
    switch (type) {
    case UL_BOOL: return 1;
    case UL_INT32: case UL_FLOAT: return 4;
    case UL_INT64: case UL_DOUBLE: case UL_CFLOAT: return 8;
    case UL_CDOUBLE: return 16;
    default: return 0;    /* unknown to the driver: extent not checked */
    }
}

static char type_char(int type)
{
    static const char chars[] = "?bBhHiIlLqQfdgFDG";
    return type >= 0 && type < (int)sizeof chars - 1 ? chars[type] : '#';
}

/* "(2,3,3)" into buf */
static const char *shape_str(char *buf, size_t len, const ptrdiff_t *shape,
                             int ndim)
{
    size_t at = 0;
    buf[0] = '\0';
    at += (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < ndim && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, i ? ",%td" : "%td", shape[i]);
    if (at < len)
        snprintf(buf + at, len - at, ndim == 1 ? ",)" : ")");
    return buf;
}

static int check_gufunc(const ul_gufunc *g, bound *p, ul_call_info *info)
{
    if (g == NULL)
        return fail(info, g, UL_EINVAL, -1, "the gufunc is NULL");
    if (g->nin < 0 || g->nout < 0 || g->nin + g->nout > UL_MAX_ARGS ||
        g->ntypes < 1 || g->types == NULL || g->funcs == NULL)
        return fail(info, g, UL_EINVAL, -1, "malformed table row");
    p->sig = ul_table_sig(g);
    if (p->sig != NULL)
        return UL_OK;
    char err[200];
    if (ul_sig_parse(g->signature, g->nin, g->nout, &p->parsed, err,
                     sizeof err) != UL_OK)
        return fail(info, g, UL_EBADSIG, -1, "%s", err);
    p->sig = &p->parsed;
    return UL_OK;
}

/* numpy's _validate_num_dims: an operand with fewer dims than its core
 * drops its '?' dims, in signature order, until it has enough; a dropped
 * dim is missing from every operand that names it (core counts in
 * p->ncore, flags in p->missing). Operands in order, inputs first. */
static int drop_optional(const ul_gufunc *g, bound *p, int n, const int *ndims,
                         ul_call_info *info)
{
    const ul_sig *s = p->sig;
    unsigned char can_ignore[UL_MAX_CORE];
    memcpy(can_ignore, s->can_ignore, (size_t)s->ndims);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < s->ncore[i] && ndims[i] < p->ncore[i]; j++) {
            int d = s->dim_ix[s->offset[i] + j];
            if (!can_ignore[d])
                continue;
            can_ignore[d] = 0;
            p->missing[d] = 1;
            for (int i1 = 0; i1 < s->nargs; i1++)
                for (int j1 = 0; j1 < s->ncore[i1]; j1++)
                    p->ncore[i1] -= s->dim_ix[s->offset[i1] + j1] == d;
        }
        if (ndims[i] < p->ncore[i])
            return fail(info, g, UL_ESHAPE, i, "%s operand %d does not have "
                        "enough dimensions (has %d, gufunc core with "
                        "signature %s requires %d)",
                        i < g->nin ? "Input" : "Output",
                        i < g->nin ? i : i - g->nin, ndims[i], g->signature,
                        p->ncore[i]);
    }
    return UL_OK;
}

/* Binds core sizes and broadcasts outer dims for the first `n` operands
 * (inputs first; outputs, if present, must have the exact outer shape). */
static int bind(const ul_gufunc *g, bound *p, int n, const int *ndims,
                const ptrdiff_t *const *shapes, ul_call_info *info)
{
    const ul_sig *s = p->sig;
    char b1[160], b2[160];
    for (int d = 0; d < s->ndims; d++)
        p->size[d] = s->frozen[d];
    p->nouter = 0;
    for (int i = 0; i < n; i++) {
        const char *kind = i < g->nin ? "input" : "output";
        int ix = i < g->nin ? i : i - g->nin;
        if (ndims[i] < 0 || ndims[i] > UL_MAX_NDIM)
            return fail(info, g, UL_EINVAL, i, "%s operand %d has %d "
                        "dimensions (0 to %d allowed)", kind, ix, ndims[i],
                        UL_MAX_NDIM);
        if (ndims[i] > 0 && shapes[i] == NULL)
            return fail(info, g, UL_EINVAL, i, "%s operand %d has a NULL "
                        "shape", kind, ix);
        for (int k = 0; k < ndims[i]; k++)
            if (shapes[i][k] < 0)
                return fail(info, g, UL_EINVAL, i, "%s operand %d has a "
                            "negative size %td in dimension %d", kind, ix,
                            shapes[i][k], k);
    }
    memcpy(p->ncore, s->ncore, (size_t)s->nargs * sizeof p->ncore[0]);
    if (s->any_ignore) {
        memset(p->missing, 0, (size_t)s->ndims);
        int rc = drop_optional(g, p, n, ndims, info);
        if (rc != UL_OK)
            return rc;
    }
    for (int i = 0; i < n; i++) {
        int ix = i < g->nin ? i : i - g->nin;
        int nc = p->ncore[i];
        if (ndims[i] < nc)
            return fail(info, g, UL_ESHAPE, i, "%s operand %d does not have "
                        "enough dimensions (has %d, gufunc core with "
                        "signature %s requires %d)",
                        i < g->nin ? "Input" : "Output", ix, ndims[i],
                        g->signature, nc);
        /* a missing dim has size 1 (numpy's _get_coredim_sizes) */
        for (int k = 0, removed = 0; k < s->ncore[i]; k++) {
            int d = s->dim_ix[s->offset[i] + k];
            ptrdiff_t got = 1;
            if (s->any_ignore && p->missing[d])
                removed++;
            else
                got = shapes[i][ndims[i] - nc + k - removed];
            if (p->size[d] < 0)
                p->size[d] = got;
            else if (p->size[d] != got)
                return fail(info, g, UL_ESHAPE, i, "%s operand %d has a "
                            "mismatch in its core dimension %d, with gufunc "
                            "signature %s (size %td is different from %td)",
                            i < g->nin ? "Input" : "Output", ix, k - removed,
                            g->signature, got, p->size[d]);
        }
        int no = ndims[i] - nc;
        if (i < g->nin) {
            /* numpy broadcasting, right-aligned */
            if (no > p->nouter) {
                memmove(p->outer + (no - p->nouter), p->outer,
                        (size_t)p->nouter * sizeof p->outer[0]);
                for (int a = 0; a < no - p->nouter; a++)
                    p->outer[a] = 1;
                p->nouter = no;
            }
            for (int a = 0; a < no; a++) {
                ptrdiff_t have = p->outer[p->nouter - no + a], got = shapes[i][a];
                if (got == have || got == 1)
                    continue;
                if (have != 1) {
                    return fail(info, g, UL_ESHAPE, i, "operands could not be "
                                "broadcast together: input operand %d has "
                                "outer shape %s, the others broadcast to %s",
                                ix, shape_str(b1, sizeof b1, shapes[i], no),
                                shape_str(b2, sizeof b2, p->outer, p->nouter));
                }
                p->outer[p->nouter - no + a] = got;
            }
        } else {
            int same = no == p->nouter;
            for (int a = 0; same && a < no; a++)
                same = shapes[i][a] == p->outer[a];
            if (!same)
                return fail(info, g, UL_ESHAPE, i, "output operand %d has "
                            "outer shape %s but the inputs broadcast to %s",
                            ix, shape_str(b1, sizeof b1, shapes[i], no),
                            shape_str(b2, sizeof b2, p->outer, p->nouter));
        }
    }
    p->outer_size = 1;
    for (int a = 0; a < p->nouter; a++)
        if (__builtin_mul_overflow(p->outer_size, p->outer[a], &p->outer_size))
            return fail(info, g, UL_EOVERFLOW, -1, "the broadcast outer shape "
                        "has more elements than fit in ptrdiff_t");
    return UL_OK;
}

static int choose_loop(const ul_gufunc *g, bound *p, const ul_operand *ops,
                       ul_call_info *info)
{
    int nargs = g->nin + g->nout;
    for (int t = 0; t < g->ntypes; t++) {
        int k = 0;
        while (k < nargs && g->types[t * nargs + k] == ops[k].type)
            k++;
        if (k == nargs) {
            p->loop = t;
            return UL_OK;
        }
    }
    char given[UL_MAX_ARGS + 3], rows[160];
    size_t at = 0, r = 0;
    for (int k = 0; k < nargs; k++) {
        if (k == g->nin)
            given[at++] = '-', given[at++] = '>';
        given[at++] = type_char(ops[k].type);
    }
    given[at] = '\0';
    for (int t = 0; t < g->ntypes && r + nargs + 4 < sizeof rows; t++) {
        rows[r++] = ' ';
        for (int k = 0; k < nargs; k++) {
            if (k == g->nin)
                rows[r++] = '-', rows[r++] = '>';
            rows[r++] = type_char(g->types[t * nargs + k]);
        }
    }
    rows[r] = '\0';
    return fail(info, g, UL_EBADTYPE, -1, "no loop for types %s (numpy type "
                "numbers; loops:%s)", given, rows);
}

/* Every check that needs no data pointer (those are execute's). */
static int validate(const ul_gufunc *g, int nops, const ul_operand *ops,
                    bound *p, ul_call_info *info)
{
    int rc = check_gufunc(g, p, info);
    if (rc != UL_OK)
        return rc;
    int nargs = g->nin + g->nout;
    if (nops != nargs)
        return fail(info, g, UL_EINVAL, -1, "expected %d operands (%d inputs "
                    "and %d outputs), got %d", nargs, g->nin, g->nout, nops);
    if (ops == NULL)
        return fail(info, g, UL_EINVAL, -1, "the operand array is NULL");
    rc = choose_loop(g, p, ops, info);
    if (rc != UL_OK)
        return rc;
    int ndims[UL_MAX_ARGS];
    const ptrdiff_t *shapes[UL_MAX_ARGS];
    for (int i = 0; i < nargs; i++) {
        ndims[i] = ops[i].ndim;
        shapes[i] = ops[i].shape;
    }
    rc = bind(g, p, nargs, ndims, shapes, info);
    if (rc != UL_OK)
        return rc;
    for (int d = 0; d < p->sig->ndims; d++)
        if (p->size[d] > INT_MAX)
            return fail(info, g, UL_EOVERFLOW, -1, "core dimension of size "
                        "%td is larger than LAPACK's int", p->size[d]);
    p->nonempty = 0;
    for (int i = 0; i < nargs; i++) {
        const char *kind = i < g->nin ? "input" : "output";
        int ix = i < g->nin ? i : i - g->nin;
        if (ops[i].ndim > 0 && ops[i].strides == NULL)
            return fail(info, g, UL_EINVAL, i, "%s operand %d has NULL "
                        "strides", kind, ix);
        ptrdiff_t count = 1;
        for (int k = 0; k < ops[i].ndim; k++)
            if (__builtin_mul_overflow(count, ops[i].shape[k], &count))
                return fail(info, g, UL_EOVERFLOW, i, "%s operand %d has "
                            "more elements than fit in ptrdiff_t", kind, ix);
        ptrdiff_t bytes;
        if (__builtin_mul_overflow(count, (ptrdiff_t)type_size(ops[i].type), &bytes))
            return fail(info, g, UL_EOVERFLOW, i, "%s operand %d is larger "
                        "than the address space", kind, ix);
        if (count > 0)
            p->nonempty |= (uint32_t)1 << i;
    }
    return UL_OK;
}

/* The bytes operand op spans, as offsets from its data pointer: [*lo,
 * *hi), both 0 when it has no elements (validate checked the extents). */
static void span(const ul_operand *op, ptrdiff_t *lo, ptrdiff_t *hi)
{
    ptrdiff_t a = 0, b = (ptrdiff_t)type_size(op->type);
    for (int k = 0; k < op->ndim; k++) {
        if (op->shape[k] == 0) {
            *lo = *hi = 0;
            return;
        }
        ptrdiff_t e = (op->shape[k] - 1) * op->strides[k];
        if (e < 0)
            a += e;
        else
            b += e;
    }
    *lo = a;
    *hi = b;
}

/* The validated call in the loop's terms, written to `arr` (q points into
 * it): outer axes with per-operand strides (0 where broadcast), size-1
 * axes dropped, neighbours merged where every operand allows; then
 * dimensions[] and steps[] as numpy builds them. */
static void prepare(const ul_gufunc *g, const ul_operand *ops,
                    const bound *p, plan_arrays *arr, ul_plan *q)
{
    const ul_sig *s = p->sig;
    int nargs = s->nargs;
    ptrdiff_t *shape = arr->shape, *stride = arr->stride;
    int na = 0;
    for (int a = 0; a < p->nouter; a++) {
        if (p->outer[a] == 1)
            continue;
        shape[na] = p->outer[a];
        ptrdiff_t *st = stride + na * nargs;
        for (int i = 0; i < nargs; i++) {
            int no = ops[i].ndim - p->ncore[i], ax = a - (p->nouter - no);
            st[i] = ax >= 0 && ops[i].shape[ax] != 1 ? ops[i].strides[ax] : 0;
        }
        if (na > 0) {
            int merge = 1;
            for (int i = 0; merge && i < nargs; i++)
                merge = st[i - nargs] == st[i] * shape[na];
            if (merge) {
                shape[na - 1] *= shape[na];
                for (int i = 0; i < nargs; i++)
                    st[i - nargs] = st[i];
                continue;
            }
        }
        na++;
    }
    if (na == 0) {
        shape[0] = 1;
        for (int i = 0; i < nargs; i++)
            stride[i] = 0;
        na = 1;
    }

    ptrdiff_t *dims = arr->dims, *steps = arr->steps;
    dims[0] = shape[na - 1];
    for (int d = 0; d < s->ndims; d++)
        dims[1 + d] = p->size[d];
    int at = nargs;
    for (int i = 0; i < nargs; i++) {
        steps[i] = stride[(na - 1) * nargs + i];
        int start = ops[i].ndim - p->ncore[i];
        for (int k = 0, removed = 0; k < s->ncore[i]; k++) {
            if (s->any_ignore && p->missing[s->dim_ix[s->offset[i] + k]])
                steps[at++] = 0, removed++;    /* dropped '?' dim: size 1 */
            else
                steps[at++] = ops[i].strides[start + k - removed];
        }
    }
    q->g = g;
    q->fn = g->funcs[p->loop];
    q->table_data = g->data ? g->data[p->loop] : NULL;
    q->kern = q->table_data == NULL && na == 1 ? ul_small_bind(q->fn, dims)
                                               : NULL;
    q->nargs = nargs;
    q->naxes = na;
    q->ndims = 1 + s->ndims;
    q->nsteps = at;
    q->nonempty = p->nonempty;
    q->outer_size = p->outer_size;
    q->dims = dims;
    q->steps = steps;
    q->shape = shape;
    q->stride = stride;
    for (int i = 0; i < nargs; i++)
        span(&ops[i], &q->lo[i], &q->hi[i]);
}

/* What the loop calls of one run reported. */
typedef struct tally {
    ptrdiff_t nfailed, first_failed;   /* flat outer index of the first */
    int enomem;
} tally;

/* One loop call on args; base: the flat outer index of its first matrix. */
static inline void call_loop(const ul_plan *q, char **args, ptrdiff_t base,
                             tally *t)
{
    if (q->table_data == NULL) {
        ul_loop_report rep = { 0, -1, UL_OK };
        q->fn(args, q->dims, q->steps, &rep);
        if (rep.nfailed > 0 && t->nfailed == 0)
            t->first_failed = base + rep.first_failed;
        t->nfailed += rep.nfailed;
        t->enomem |= rep.status == UL_ENOMEM;
    } else {
        ul_loop_enomem = 0;
        q->fn(args, q->dims, q->steps, q->table_data);
        t->enomem |= ul_loop_enomem;
    }
}

/* ---- outputs that overlap inputs (numpy: as if the inputs were read
 * first; its iterator copies such inputs, NPY_ITER_COPY_IF_OVERLAP) ----
 * Bit i set for each input whose byte span an output's span meets (numpy's
 * cheap test: an interleaved pair is copied too). Checked on every run:
 * a plan's data pointers are new each time. */
static unsigned overlapping_inputs(const ul_plan *q, char *const *data)
{
    unsigned mask = 0;
    int nin = q->g->nin;
    for (int o = nin; o < q->nargs; o++) {
        if (q->lo[o] == q->hi[o])
            continue;
        const char *olo = data[o] + q->lo[o], *ohi = data[o] + q->hi[o];
        for (int i = 0; i < nin; i++)
            if (q->lo[i] != q->hi[i] && data[i] + q->lo[i] < ohi &&
                olo < data[i] + q->hi[i])
                mask |= 1u << i;
    }
    return mask;
}

static int execute(const ul_plan *q, char *const *data, ul_call_info *info);

/* execute() with each input of `mask` first copied, its whole byte span
 * as it is (same strides), to a buffer of its own. */
static __attribute__((noinline)) int execute_on_copies(const ul_plan *q,
    char *const *data, unsigned mask, ul_call_info *info)
{
    char *cp[UL_MAX_ARGS];
    void *buf[UL_MAX_ARGS] = { NULL };
    int rc = UL_OK;
    for (int i = 0; i < q->nargs; i++)
        cp[i] = data[i];
    for (int i = 0; i < q->g->nin && rc == UL_OK; i++) {
        if (!(mask & 1u << i))
            continue;
        size_t bytes = (size_t)(q->hi[i] - q->lo[i]);
        buf[i] = ul_malloc(bytes);
        if (buf[i] == NULL) {
            rc = fail(info, q->g, UL_ENOMEM, i, "no memory for a copy of "
                      "input operand %d, which overlaps an output", i);
            break;
        }
        memcpy(buf[i], data[i] + q->lo[i], bytes);
        cp[i] = (char *)buf[i] - q->lo[i];   /* lo <= 0: inside buf */
    }
    if (rc == UL_OK)
        rc = execute(q, cp, info);
    for (int i = 0; i < q->g->nin; i++)
        ul_free(buf[i]);
    return rc;
}

/* Runs a plan on data[nargs]: the one check left (no NULL data for an
 * operand with elements), the loop calls, the caller's FP flags put back,
 * the loop's failures as a status. info may be NULL. */
static int execute(const ul_plan *q, char *const *data, ul_call_info *info)
{
    const ul_gufunc *g = q->g;
    int nargs = q->nargs;
    if (data == NULL && nargs > 0)
        return fail(info, g, UL_EINVAL, -1, "the data array is NULL");
    for (int i = 0; i < nargs; i++)
        if (data[i] == NULL && (q->nonempty >> i & 1))
            return fail(info, g, UL_EINVAL, i, "%s operand %d has a NULL "
                        "data pointer", i < g->nin ? "input" : "output",
                        i < g->nin ? i : i - g->nin);
    if (info)
        info->outer_size = q->outer_size;
    if (q->outer_size == 0)
        return UL_OK;            /* numpy does not call the loop either */
    unsigned overlap = overlapping_inputs(q, data);
    if (overlap)
        return execute_on_copies(q, data, overlap, info);

    ul_fp_state saved;
    ul_fp_save(&saved);
    tally t = { 0, -1, 0 };
    char *args[UL_MAX_ARGS];
    int na = q->naxes;
    if (na == 1) {               /* one loop call: the usual stack */
        for (int i = 0; i < nargs; i++)
            args[i] = data[i];
        ptrdiff_t nf = q->kern ? q->kern(args, q->dims, q->steps,
                                         &t.first_failed) : -1;
        if (nf >= 0)
            t.nfailed = nf;      /* (first_failed -1 when none) */
        else
            call_loop(q, args, 0, &t);
    } else {
        const ptrdiff_t *shape = q->shape, *stride = q->stride;
        ptrdiff_t idx[UL_MAX_NDIM], base = 0;
        for (int a = 0; a < na - 1; a++)
            idx[a] = 0;          /* the last axis is the loop's own N */
        for (;;) {
            for (int i = 0; i < nargs; i++) {
                ptrdiff_t off = 0;
                for (int a = 0; a < na - 1; a++)
                    off += idx[a] * stride[a * nargs + i];
                /* NULL data (an operand with no elements) is passed as
                 * NULL: NULL + 0 is undefined behaviour */
                args[i] = data[i] ? data[i] + off : NULL;
            }
            call_loop(q, args, base, &t);
            base += q->dims[0];
            int a = na - 2;
            while (a >= 0 && ++idx[a] == shape[a])
                idx[a--] = 0;
            if (a < 0)
                break;
        }
    }
    ul_fp_restore(&saved);

    if (info) {
        info->nfailed = t.nfailed;
        info->first_failed = t.first_failed;
    }
    if (t.enomem)
        return fail(info, g, UL_ENOMEM, -1, q->table_data == NULL ?
                    "no memory for the loop's workspace; the outputs were "
                    "filled with NaN" : "no memory for the loop's scratch; "
                    "some outputs were not written");
    if (t.nfailed > 0)
        return fail(info, g, UL_ESINGULAR, -1, "%td of %td matrices %s (the "
                    "first at outer index %td); their outputs are NaN",
                    t.nfailed, q->outer_size, failure_text(g->name),
                    t.first_failed);
    return UL_OK;
}

/* The validated call, prepared on the stack and executed. */
static int run(const ul_gufunc *g, const ul_operand *ops, bound *p,
               ul_call_info *info)
{
    plan_arrays arr;
    ul_plan q;
    prepare(g, ops, p, &arr, &q);
    char *data[UL_MAX_ARGS];
    for (int i = 0; i < g->nin + g->nout; i++)
        data[i] = ops[i].data;
    return execute(&q, data, info);
}

UL_API int ul_gufunc_call(const ul_gufunc *g, int nops, const ul_operand *ops,
                          ul_call_info *info)
{
    ul_call_info local;
    bound p;
    if (info == NULL)
        info = &local;
    info_reset(info);
    int rc = validate(g, nops, ops, &p, info);
    if (rc != UL_OK)
        return rc;
    return run(g, ops, &p, info);
}

/* Cuts concatenated shape (and, when given, stride) arrays into one pointer
 * per operand. */
static int split_flat(const ul_gufunc *g, int n, const int *ndims,
                      const ptrdiff_t *shapes, const ptrdiff_t **shape_of,
                      const ptrdiff_t *strides, const ptrdiff_t **stride_of,
                      ul_call_info *info)
{
    ptrdiff_t at = 0;
    for (int i = 0; i < n; i++) {
        if (ndims[i] < 0 || ndims[i] > UL_MAX_NDIM)
            return fail(info, g, UL_EINVAL, i, "operand %d has %d dimensions "
                        "(0 to %d allowed)", i, ndims[i], UL_MAX_NDIM);
        if (ndims[i] > 0 && (shapes == NULL || (stride_of && strides == NULL)))
            return fail(info, g, UL_EINVAL, i, "NULL shapes or strides");
        shape_of[i] = ndims[i] ? shapes + at : NULL;
        if (stride_of)
            stride_of[i] = ndims[i] ? strides + at : NULL;
        at += ndims[i];
    }
    return UL_OK;
}

/* Operands from the flat arrays of the bindings' entries; data may be
 * NULL (ul_plan_newv: no data yet). */
static int flat_ops(const ul_gufunc *g, int nops, char *const *data,
                    const int *types, const int *ndims,
                    const ptrdiff_t *shapes, const ptrdiff_t *strides,
                    ul_operand *ops, ul_call_info *info)
{
    if (nops < 0 || nops > UL_MAX_ARGS)
        return fail(info, g, UL_EINVAL, -1, "operand count %d out of range",
                    nops);
    if (nops > 0 && (types == NULL || ndims == NULL))
        return fail(info, g, UL_EINVAL, -1, "NULL operand array");
    const ptrdiff_t *shape_of[UL_MAX_ARGS], *stride_of[UL_MAX_ARGS];
    int rc = split_flat(g, nops, ndims, shapes, shape_of, strides, stride_of, info);
    if (rc != UL_OK)
        return rc;
    for (int i = 0; i < nops; i++) {
        ops[i].data = data ? data[i] : NULL;
        ops[i].type = types[i];
        ops[i].ndim = ndims[i];
        ops[i].shape = shape_of[i];
        ops[i].strides = stride_of[i];
    }
    return UL_OK;
}

UL_API int ul_gufunc_callv(const ul_gufunc *g, int nops, char *const *data,
                           const int *types, const int *ndims,
                           const ptrdiff_t *shapes, const ptrdiff_t *strides,
                           ul_call_info *info)
{
    ul_call_info local;
    ul_operand ops[UL_MAX_ARGS];
    if (info == NULL)
        info = &local;
    info_reset(info);
    if (nops > 0 && data == NULL)
        return fail(info, g, UL_EINVAL, -1, "NULL operand array");
    int rc = flat_ops(g, nops, data, types, ndims, shapes, strides, ops, info);
    return rc != UL_OK ? rc : ul_gufunc_call(g, nops, ops, info);
}

/* ---- prepared plans ---------------------------------------------------- */
static const ptrdiff_t *put(ptrdiff_t **at, const ptrdiff_t *src, size_t n)
{
    ptrdiff_t *dst = *at;
    memcpy(dst, src, n * sizeof *dst);
    *at += n;
    return dst;
}

UL_API int ul_plan_new(const ul_gufunc *g, int nops, const ul_operand *ops,
                       ul_plan **out, ul_call_info *info)
{
    ul_call_info local;
    bound p;
    if (info == NULL)
        info = &local;
    info_reset(info);
    if (out == NULL)
        return fail(info, g, UL_EINVAL, -1, "the plan out-pointer is NULL");
    *out = NULL;
    int rc = validate(g, nops, ops, &p, info);
    if (rc != UL_OK)
        return rc;
    plan_arrays arr;
    ul_plan q;
    prepare(g, ops, &p, &arr, &q);
    size_t n = (size_t)q.ndims + (size_t)q.nsteps +
               (size_t)q.naxes * (size_t)(1 + q.nargs);
    ul_plan *h = ul_malloc(sizeof *h + n * sizeof h->mem[0]);
    if (h == NULL)
        return fail(info, g, UL_ENOMEM, -1, "no memory for the plan");
    *h = q;                      /* then the arrays, into h->mem */
    ptrdiff_t *at = h->mem;
    h->dims = put(&at, q.dims, (size_t)q.ndims);
    h->steps = put(&at, q.steps, (size_t)q.nsteps);
    h->shape = put(&at, q.shape, (size_t)q.naxes);
    h->stride = put(&at, q.stride, (size_t)q.naxes * (size_t)q.nargs);
    *out = h;
    return UL_OK;
}

UL_API int ul_plan_newv(const ul_gufunc *g, int nops, const int *types,
                        const int *ndims, const ptrdiff_t *shapes,
                        const ptrdiff_t *strides, ul_plan **out,
                        ul_call_info *info)
{
    ul_call_info local;
    ul_operand ops[UL_MAX_ARGS];
    if (info == NULL)
        info = &local;
    info_reset(info);
    if (out != NULL)
        *out = NULL;
    int rc = flat_ops(g, nops, NULL, types, ndims, shapes, strides, ops, info);
    return rc != UL_OK ? rc : ul_plan_new(g, nops, ops, out, info);
}

UL_API int ul_plan_run(const ul_plan *p, char *const *data, ul_call_info *info)
{
    if (info != NULL)
        info_reset(info);
    if (p == NULL)
        return fail(info, NULL, UL_EINVAL, -1, "the plan is NULL");
    return execute(p, data, info);
}

UL_API void ul_plan_free(ul_plan *p)
{
    ul_free(p);
}

UL_API int ul_gufunc_shapes(const ul_gufunc *g, int nin, const int *in_ndims,
                            const ptrdiff_t *in_shapes, int *out_ndims,
                            ptrdiff_t *out_shapes, size_t out_cap,
                            ul_call_info *info)
{
    ul_call_info local;
    bound p;
    if (info == NULL)
        info = &local;
    info_reset(info);
    int rc = check_gufunc(g, &p, info);
    if (rc != UL_OK)
        return rc;
    if (nin != g->nin)
        return fail(info, g, UL_EINVAL, -1, "expected %d inputs, got %d",
                    g->nin, nin);
    if ((nin > 0 && in_ndims == NULL) || out_ndims == NULL ||
        (out_cap > 0 && out_shapes == NULL))
        return fail(info, g, UL_EINVAL, -1, "NULL array argument");
    const ptrdiff_t *shapes[UL_MAX_ARGS];
    rc = split_flat(g, nin, in_ndims, in_shapes, shapes, NULL, NULL, info);
    if (rc != UL_OK)
        return rc;
    rc = bind(g, &p, nin, in_ndims, shapes, info);
    if (rc != UL_OK)
        return rc;
    size_t need = 0;
    for (int o = 0; o < g->nout; o++)
        need += (size_t)(p.nouter + p.ncore[nin + o]);
    if (need > out_cap)
        return fail(info, g, UL_EINVAL, -1, "out_shapes has room for %zu "
                    "sizes, %zu needed", out_cap, need);
    size_t w = 0;
    for (int o = 0; o < g->nout; o++) {
        int i = nin + o;
        out_ndims[o] = p.nouter + p.ncore[i];
        for (int a = 0; a < p.nouter; a++)
            out_shapes[w++] = p.outer[a];
        for (int k = 0; k < p.sig->ncore[i]; k++) {
            int d = p.sig->dim_ix[p.sig->offset[i] + k];
            if (p.sig->any_ignore && p.missing[d])
                continue;                      /* dropped '?' dim */
            ptrdiff_t sz = p.size[d];
            if (sz < 0)
                return fail(info, g, UL_ESHAPE, i, "output operand %d: core "
                            "dimension %d is not set by any input", o, k);
            out_shapes[w++] = sz;
        }
    }
    return UL_OK;
}

UL_API int ul_gufunc_loop_for(const ul_gufunc *g, const int *in_types)
{
    if (g == NULL || in_types == NULL || g->types == NULL)
        return -1;
    int nargs = g->nin + g->nout;
    for (int t = 0; t < g->ntypes; t++) {
        int k = 0;
        while (k < g->nin && g->types[t * nargs + k] == in_types[k])
            k++;
        if (k == g->nin)
            return t;
    }
    return -1;
}
