/*
 * ul_driver.c - runs a gufunc over operands given as (data, type, ndim,
 * shape, byte strides), for callers that are not numpy. ul_validate.c
 * checks everything first (nothing is written on a validation error) and
 * binds the core and broadcast outer dimensions; here the outer axes are
 * coalesced and the loop is called once per innermost run (once in all
 * for the usual contiguous or broadcast stacks). Optional core dims that
 * an operand lacks reach the loop as size 1, stride 0. Failures reported
 * by the loops (ul_loop_report) come back as a count and the first flat
 * index; the caller's FP exception flags are restored afterwards.
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
#include "ul_driver.h"
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Set by a loop with its own data pointer (a run-time row) that could not
 * allocate (ul_loop_note_enomem); read and cleared around each such loop
 * call. The built-in loops report through ul_loop_report instead. */
static _Thread_local int ul_loop_enomem;

UL_HIDDEN void ul_loop_note_enomem(void)
{
    ul_loop_enomem = 1;
}

/* A validated call in the form the loop takes it (the public opaque type;
 * ul_gufunc_call builds one on its stack, pointing at local arrays). */
struct ul_plan {
    const ul_gufunc *g;
    ul_loop fn;
    ul_kernel_fn kern;               /* one matrix: fn's small kernel, run
                                        directly (ul_small_bind), or NULL */
    void *table_data;                /* g->data[loop], NULL for built-ins */
    int nargs;
    int fp_mode;                     /* UL_FP_RESTORE or UL_FP_UNTOUCHED */
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

/* The bytes operand op spans, as offsets from its data pointer: [*lo,
 * *hi), both 0 when it has no elements (validate checked the extents). */
static void span(const ul_operand *op, ptrdiff_t *lo, ptrdiff_t *hi)
{
    ptrdiff_t a = 0, b = (ptrdiff_t)ul_type_size(op->type);
    for (int k = 0; k < op->ndim; k++) {
        if (op->shape[k] == 0) {
            *lo = *hi = 0;
            return;
        }
    }
    /* an empty operand's strides are not checked: no products of them */
    for (int k = 0; k < op->ndim; k++) {
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
            /* (an empty operand's strides may be anything, and with an
             * empty axis still to come the sizes' product too) */
            ptrdiff_t outer_step, merged;
            int merge = !__builtin_mul_overflow(shape[na - 1], shape[na], &merged);
            for (int i = 0; merge && i < nargs; i++)
                merge = !__builtin_mul_overflow(st[i], shape[na], &outer_step) &&
                        st[i - nargs] == outer_step;
            if (merge) {
                shape[na - 1] = merged;
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
    q->fp_mode = UL_FP_RESTORE;
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
static int report(const ul_plan *q, const tally *t, ul_call_info *info);

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
            rc = ul_fail(info, q->g, UL_ENOMEM, i, "no memory for a copy of "
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
        return ul_fail(info, g, UL_EINVAL, -1, "the data array is NULL");
    for (int i = 0; i < nargs; i++)
        if (data[i] == NULL && (q->nonempty >> i & 1))
            return ul_fail(info, g, UL_EINVAL, i, "%s operand %d has a NULL "
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
    return report(q, &t, info);
}

/* The status of a run from what its loop calls reported. */
static int report(const ul_plan *q, const tally *t, ul_call_info *info)
{
    const ul_gufunc *g = q->g;
    if (info) {
        info->nfailed = t->nfailed;
        info->first_failed = t->first_failed;
    }
    if (t->enomem)
        return ul_fail(info, g, UL_ENOMEM, -1, q->table_data == NULL ?
                    "no memory for the loop's workspace; the outputs were "
                    "filled with NaN" : "no memory for the loop's scratch; "
                    "some outputs were not written");
    if (t->nfailed > 0)
        return ul_fail(info, g, UL_ESINGULAR, -1, "%td of %td matrices %s (the "
                    "first at outer index %td); their outputs are NaN",
                    t->nfailed, q->outer_size, failure_text(g->name),
                    t->first_failed);
    return UL_OK;
}

/* The status of a bound kernel's run that failed nf > 0 matrices, or
 * declined (nf < 0: not for the bound kernels; kept for safety). */
static __attribute__((noinline, cold)) int bound_failed(const ul_plan *q,
    ptrdiff_t nf, ptrdiff_t first, char *const *data, ul_call_info *info)
{
    if (nf < 0)
        return execute(q, data, info);
    tally t = { nf, first, 0 };
    return report(q, &t, info);
}

/* execute() for a plan of one matrix whose kernel prepare bound (q->kern:
 * one loop call, a built-in loop, at most UL_KERNEL_MAX_ARGS operands):
 * the same checks, the caller's FP flags put back (a kernel runs no
 * loop's protocol) and the status, in a few dozen instructions beside a
 * 4x4 inverse's ~250. Returns -1, having done nothing, for NULL data or
 * an input that overlaps an output: execute() then gives the error or the
 * copies. */
static inline int execute_bound(const ul_plan *q, char *const *data,
                                ul_call_info *info)
{
    char *args[UL_KERNEL_MAX_ARGS];
    const int nargs = q->nargs;
    if (data == NULL || nargs > UL_KERNEL_MAX_ARGS)
        return -1;
    for (int i = 0; i < nargs; i++) {
        if (data[i] == NULL)    /* (every operand has elements) */
            return -1;
        args[i] = data[i];
    }
    if (nargs == 2 && q->g->nin == 1) {
        /* one input, one output (inv, det): overlapping_inputs' test */
        if (data[0] + q->lo[0] < data[1] + q->hi[1] &&
            data[1] + q->lo[1] < data[0] + q->hi[0])
            return -1;
    } else if (overlapping_inputs(q, data)) {
        return -1;
    }
    /* each read of the FP status waits for the FP work before it: 3-10 ns
     * (bench/bench_plan.sh), which UL_FP_UNTOUCHED saves */
    const int restore = q->fp_mode == UL_FP_RESTORE;
    ul_fp_state saved;
    if (restore)
        ul_fp_get_flags(&saved);
    ptrdiff_t first = -1;
    const ptrdiff_t nf = q->kern(args, q->dims, q->steps, &first);
    if (restore)
        ul_fp_put_flags(&saved);
    if (info)
        info->outer_size = q->outer_size;
    return nf == 0 ? UL_OK : bound_failed(q, nf, first, data, info);
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
    ul_info_reset(info);
    int rc = ul_validate(g, nops, ops, &p, info);
    if (rc != UL_OK)
        return rc;
    return run(g, ops, &p, info);
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
    ul_info_reset(info);
    if (nops > 0 && data == NULL)
        return ul_fail(info, g, UL_EINVAL, -1, "NULL operand array");
    int rc = ul_flat_ops(g, nops, data, types, ndims, shapes, strides, ops, info);
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
    ul_info_reset(info);
    if (out == NULL)
        return ul_fail(info, g, UL_EINVAL, -1, "the plan out-pointer is NULL");
    *out = NULL;
    int rc = ul_validate(g, nops, ops, &p, info);
    if (rc != UL_OK)
        return rc;
    plan_arrays arr;
    ul_plan q;
    prepare(g, ops, &p, &arr, &q);
    size_t n = (size_t)q.ndims + (size_t)q.nsteps +
               (size_t)q.naxes * (size_t)(1 + q.nargs);
    ul_plan *h = ul_malloc(sizeof *h + n * sizeof h->mem[0]);
    if (h == NULL)
        return ul_fail(info, g, UL_ENOMEM, -1, "no memory for the plan");
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
    ul_info_reset(info);
    if (out != NULL)
        *out = NULL;
    int rc = ul_flat_ops(g, nops, NULL, types, ndims, shapes, strides, ops, info);
    return rc != UL_OK ? rc : ul_plan_new(g, nops, ops, out, info);
}

UL_API int ul_plan_run(const ul_plan *p, char *const *data, ul_call_info *info)
{
    if (info != NULL)
        ul_info_reset(info);
    if (p == NULL)
        return ul_fail(info, NULL, UL_EINVAL, -1, "the plan is NULL");
    const int rc = p->kern != NULL ? execute_bound(p, data, info) : -1;
    return rc >= 0 ? rc : execute(p, data, info);
}

UL_API int ul_plan_fp_flags(ul_plan *p, int mode)
{
    if (p == NULL || (mode != UL_FP_RESTORE && mode != UL_FP_UNTOUCHED))
        return UL_EINVAL;
    p->fp_mode = mode;
    return UL_OK;
}

UL_API void ul_plan_free(ul_plan *p)
{
    ul_free(p);
}
