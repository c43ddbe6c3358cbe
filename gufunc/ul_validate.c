/*
 * ul_validate.c - the driver's checks (ul_driver.c runs what they bind):
 * the row, operand count and types (the loop chosen by exact match), data
 * pointers, core dims against the signature (dropping optional '?' dims
 * as numpy's _validate_num_dims does), outer dims broadcast by numpy's
 * rules, extents that fit; numpy's error texts. Also ul_gufunc_shapes and
 * ul_gufunc_loop_for, which answer from the same rules without running.
 */
#include "ul_driver.h"
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

UL_HIDDEN int ul_fail(ul_call_info *info, const ul_gufunc *g, int status,
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

UL_HIDDEN void ul_info_reset(ul_call_info *info)
{
    info->status = UL_OK;
    info->operand = -1;
    info->outer_size = 0;
    info->nfailed = 0;
    info->first_failed = -1;
    info->message[0] = '\0';
}

UL_HIDDEN size_t ul_type_size(int type)
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
        return ul_fail(info, g, UL_EINVAL, -1, "the gufunc is NULL");
    if (g->nin < 0 || g->nout < 0 || g->nin + g->nout > UL_MAX_ARGS ||
        g->ntypes < 1 || g->types == NULL || g->funcs == NULL)
        return ul_fail(info, g, UL_EINVAL, -1, "malformed table row");
    p->sig = ul_table_sig(g);
    if (p->sig != NULL)
        return UL_OK;
    char err[200];
    if (ul_sig_parse(g->signature, g->nin, g->nout, &p->parsed, err,
                     sizeof err) != UL_OK)
        return ul_fail(info, g, UL_EBADSIG, -1, "%s", err);
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
            return ul_fail(info, g, UL_ESHAPE, i, "%s operand %d does not have "
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
            return ul_fail(info, g, UL_EINVAL, i, "%s operand %d has %d "
                        "dimensions (0 to %d allowed)", kind, ix, ndims[i],
                        UL_MAX_NDIM);
        if (ndims[i] > 0 && shapes[i] == NULL)
            return ul_fail(info, g, UL_EINVAL, i, "%s operand %d has a NULL "
                        "shape", kind, ix);
        for (int k = 0; k < ndims[i]; k++)
            if (shapes[i][k] < 0)
                return ul_fail(info, g, UL_EINVAL, i, "%s operand %d has a "
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
            return ul_fail(info, g, UL_ESHAPE, i, "%s operand %d does not have "
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
                return ul_fail(info, g, UL_ESHAPE, i, "%s operand %d has a "
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
                    return ul_fail(info, g, UL_ESHAPE, i, "operands could not be "
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
                return ul_fail(info, g, UL_ESHAPE, i, "output operand %d has "
                            "outer shape %s but the inputs broadcast to %s",
                            ix, shape_str(b1, sizeof b1, shapes[i], no),
                            shape_str(b2, sizeof b2, p->outer, p->nouter));
        }
    }
    p->outer_size = 1;
    for (int a = 0; a < p->nouter; a++)
        if (__builtin_mul_overflow(p->outer_size, p->outer[a], &p->outer_size))
            return ul_fail(info, g, UL_EOVERFLOW, -1, "the broadcast outer shape "
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
    return ul_fail(info, g, UL_EBADTYPE, -1, "no loop for types %s (numpy type "
                "numbers; loops:%s)", given, rows);
}

/* Every check that needs no data pointer (those are execute's). */
UL_HIDDEN int ul_validate(const ul_gufunc *g, int nops, const ul_operand *ops,
                    bound *p, ul_call_info *info)
{
    int rc = check_gufunc(g, p, info);
    if (rc != UL_OK)
        return rc;
    int nargs = g->nin + g->nout;
    if (nops != nargs)
        return ul_fail(info, g, UL_EINVAL, -1, "expected %d operands (%d inputs "
                    "and %d outputs), got %d", nargs, g->nin, g->nout, nops);
    if (ops == NULL)
        return ul_fail(info, g, UL_EINVAL, -1, "the operand array is NULL");
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
            return ul_fail(info, g, UL_EOVERFLOW, -1, "core dimension of size "
                        "%td is larger than LAPACK's int", p->size[d]);
    p->nonempty = 0;
    for (int i = 0; i < nargs; i++) {
        const char *kind = i < g->nin ? "input" : "output";
        int ix = i < g->nin ? i : i - g->nin;
        if (ops[i].ndim > 0 && ops[i].strides == NULL)
            return ul_fail(info, g, UL_EINVAL, i, "%s operand %d has NULL "
                        "strides", kind, ix);
        ptrdiff_t count = 1;
        for (int k = 0; k < ops[i].ndim; k++)
            if (__builtin_mul_overflow(count, ops[i].shape[k], &count))
                return ul_fail(info, g, UL_EOVERFLOW, i, "%s operand %d has "
                            "more elements than fit in ptrdiff_t", kind, ix);
        ptrdiff_t bytes;
        if (__builtin_mul_overflow(count, (ptrdiff_t)ul_type_size(ops[i].type), &bytes))
            return ul_fail(info, g, UL_EOVERFLOW, i, "%s operand %d is larger "
                        "than the address space", kind, ix);
        /* the byte span (as ul_driver.c's span() computes it) must fit:
           strides an array cannot have would overflow the loop's offsets */
        ptrdiff_t lo = 0, hi = bytes ? (ptrdiff_t)ul_type_size(ops[i].type) : 0, e;
        for (int k = 0; k < ops[i].ndim && count > 0; k++)
            if (__builtin_mul_overflow(ops[i].shape[k] - 1, ops[i].strides[k], &e) ||
                __builtin_add_overflow(e < 0 ? lo : hi, e, e < 0 ? &lo : &hi) ||
                __builtin_sub_overflow(hi, lo, &e))
                return ul_fail(info, g, UL_EOVERFLOW, i, "%s operand %d has "
                            "strides that reach beyond the address space",
                            kind, ix);
        if (count > 0)
            p->nonempty |= (uint32_t)1 << i;
    }
    return UL_OK;
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
            return ul_fail(info, g, UL_EINVAL, i, "operand %d has %d dimensions "
                        "(0 to %d allowed)", i, ndims[i], UL_MAX_NDIM);
        if (ndims[i] > 0 && (shapes == NULL || (stride_of && strides == NULL)))
            return ul_fail(info, g, UL_EINVAL, i, "NULL shapes or strides");
        shape_of[i] = ndims[i] ? shapes + at : NULL;
        if (stride_of)
            stride_of[i] = ndims[i] ? strides + at : NULL;
        at += ndims[i];
    }
    return UL_OK;
}

/* Operands from the flat arrays of the bindings' entries; data may be
 * NULL (ul_plan_newv: no data yet). */
UL_HIDDEN int ul_flat_ops(const ul_gufunc *g, int nops, char *const *data,
                    const int *types, const int *ndims,
                    const ptrdiff_t *shapes, const ptrdiff_t *strides,
                    ul_operand *ops, ul_call_info *info)
{
    if (nops < 0 || nops > UL_MAX_ARGS)
        return ul_fail(info, g, UL_EINVAL, -1, "operand count %d out of range",
                    nops);
    if (nops > 0 && (types == NULL || ndims == NULL))
        return ul_fail(info, g, UL_EINVAL, -1, "NULL operand array");
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

UL_API int ul_gufunc_shapes(const ul_gufunc *g, int nin, const int *in_ndims,
                            const ptrdiff_t *in_shapes, int *out_ndims,
                            ptrdiff_t *out_shapes, size_t out_cap,
                            ul_call_info *info)
{
    ul_call_info local;
    bound p;
    if (info == NULL)
        info = &local;
    ul_info_reset(info);
    int rc = check_gufunc(g, &p, info);
    if (rc != UL_OK)
        return rc;
    if (nin != g->nin)
        return ul_fail(info, g, UL_EINVAL, -1, "expected %d inputs, got %d",
                    g->nin, nin);
    if ((nin > 0 && in_ndims == NULL) || out_ndims == NULL ||
        (out_cap > 0 && out_shapes == NULL))
        return ul_fail(info, g, UL_EINVAL, -1, "NULL array argument");
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
        return ul_fail(info, g, UL_EINVAL, -1, "out_shapes has room for %zu "
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
                return ul_fail(info, g, UL_ESHAPE, i, "output operand %d: core "
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
