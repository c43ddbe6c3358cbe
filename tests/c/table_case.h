/*
 * table_case.h - one call of any gufunc row (built-in or run-time) built
 * from its signature alone, for the tests that sweep the whole table
 * (test_enomem_table.c, test_soak.c): every core dimension of size n, an
 * outer stack (1-d, or 2-d with a gap between input 0's rows so that the
 * driver calls the loop once per row), C-contiguous or "gapped" (every stride doubled,
 * so bytes between elements exist), inputs that every family accepts
 * (Hermitian, diagonally dominant, positive definite), outputs over
 * sentinel bytes, and a per-byte map of which bytes are elements.
 */
#ifndef TABLE_CASE_H
#define TABLE_CASE_H

#include "ul_test.h"

#define TC_MAXOPS 8
#define TC_MAXND 4

typedef struct tcase {
    const ul_gufunc *g;
    int loop, nops, nin;
    ptrdiff_t n;
    int type[TC_MAXOPS], ndim[TC_MAXOPS], ncore[TC_MAXOPS];
    size_t esize[TC_MAXOPS];
    ptrdiff_t shape[TC_MAXOPS][TC_MAXND], stride[TC_MAXOPS][TC_MAXND];
    size_t bytes[TC_MAXOPS];        /* buffer of operand i */
    ptrdiff_t off[TC_MAXOPS];       /* element [0,...] within it */
    unsigned char *buf[TC_MAXOPS];  /* the call's buffers */
    unsigned char *init[TC_MAXOPS]; /* inputs as built (outputs: NULL) */
    unsigned char *elem[TC_MAXOPS]; /* 1 for each byte of an element */
    char name[96];
} tcase;

static inline size_t tc_esize(int type)
{
    switch (type) {
    case UL_BOOL: return 1;
    case UL_INT32: case UL_FLOAT: return 4;
    case UL_INT64: case UL_DOUBLE: case UL_CFLOAT: return 8;
    default: return 16;
    }
}

/* Number of core dims of each operand of a signature ("" or NULL: all
 * scalar); sizes are all n, so names and '?' need no tracking. */
static inline void tc_core_dims(const char *sig, int nops, int *ncore)
{
    int op = -1, dims = 0, inside = 0;
    for (int i = 0; i < nops; i++)
        ncore[i] = 0;
    for (const char *p = sig ? sig : ""; *p; p++) {
        if (*p == '(') {
            op++, dims = 0, inside = 1;
        } else if (*p == ')') {
            if (op < nops)
                ncore[op] = dims;
            inside = 0;
        } else if (inside && (p[-1] == '(' || p[-1] == ',' || p[-1] == ' ') &&
                   *p != ' ' && *p != ',') {
            dims++;                 /* first character of a dim name */
        }
    }
}

/* Value of element (outer index o, core index i, j) of an input. */
static inline double complex tc_value(const tcase *c, int op, ptrdiff_t o,
                                      ptrdiff_t i, ptrdiff_t j)
{
    double v;
    if (c->ncore[op] == 0)
        return -1.0;                /* a scalar: lstsq's rcond (machine eps) */
    if (c->ncore[op] == 1)
        return 1 + 0.1 * (double)i + 0.01 * (double)(o % 13);
    v = i == j ? (double)c->n + 1 + 0.01 * (double)(o % 13) : 1.0 / (double)(1 + i + j);
    return CMPLX(v, 0.01 * (double)(j - i));    /* Hermitian; real for s, d */
}

/* Walks every element of operand op: calls f(c, op, byte offset, o, i, j). */
static inline void tc_each(tcase *c, int op,
    void (*f)(tcase *, int, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t))
{
    int nd = c->ndim[op], nc = c->ncore[op], no = nd - nc;
    ptrdiff_t idx[TC_MAXND] = { 0 }, total = 1;
    for (int d = 0; d < nd; d++)
        total *= c->shape[op][d];
    for (ptrdiff_t e = 0; e < total; e++) {
        ptrdiff_t off = c->off[op], o = 0, r = e;
        for (int d = nd - 1; d >= 0; d--) {
            idx[d] = r % c->shape[op][d];
            r /= c->shape[op][d];
            off += idx[d] * c->stride[op][d];
        }
        for (int d = 0; d < no; d++)
            o = o * c->shape[op][d] + idx[d];
        f(c, op, off, o, nc > 0 ? idx[no] : 0, nc > 1 ? idx[no + 1] : 0);
    }
}

static inline void tc_mark(tcase *c, int op, ptrdiff_t off, ptrdiff_t o,
                           ptrdiff_t i, ptrdiff_t j)
{
    memset(c->elem[op] + off, 1, c->esize[op]);
}

static inline void tc_put_input(tcase *c, int op, ptrdiff_t off, ptrdiff_t o,
                                ptrdiff_t i, ptrdiff_t j)
{
    ul_put(c->type[op], (char *)c->init[op] + off, tc_value(c, op, o, i, j));
}

/* Builds loop `loop` of row g: core dims n, outer shape outer[0..nouter),
 * gapped strides or not. Returns 0 when the row has too many operands. */
static inline int tc_build(tcase *c, const ul_gufunc *g, int loop, ptrdiff_t n,
                           int nouter, const ptrdiff_t *outer, int gapped)
{
    memset(c, 0, sizeof *c);
    c->g = g, c->loop = loop, c->n = n, c->nin = g->nin;
    c->nops = g->nin + g->nout;
    if (c->nops > TC_MAXOPS)
        return 0;
    tc_core_dims(g->signature, c->nops, c->ncore);
    snprintf(c->name, sizeof c->name, "%s loop %d n=%td outer %td%s%s", g->name,
             loop, n, outer[0], nouter > 1 ? "x" : "", gapped ? " gapped" : "");
    for (int i = 0; i < c->nops; i++) {
        int nd = nouter + c->ncore[i];
        c->type[i] = (unsigned char)g->types[loop * c->nops + i];
        c->esize[i] = tc_esize(c->type[i]);
        c->ndim[i] = nd;
        for (int d = 0; d < nd; d++)
            c->shape[i][d] = d < nouter ? outer[d] : n;
        ptrdiff_t acc = (ptrdiff_t)c->esize[i] * (gapped ? 2 : 1);
        for (int d = nd - 1; d >= 0; d--) {
            if (d == 0 && nouter > 1 && i == 0)
                acc += 3 * (ptrdiff_t)c->esize[i];  /* rows do not coalesce */
            c->stride[i][d] = acc;
            acc *= c->shape[i][d];
        }
        c->off[i] = gapped ? (ptrdiff_t)c->esize[i] : 0;
        c->bytes[i] = (size_t)acc + 2 * c->esize[i];
        c->buf[i] = malloc(c->bytes[i]);
        c->elem[i] = calloc(c->bytes[i], 1);
        tc_each(c, i, tc_mark);
        if (i < c->nin) {
            c->init[i] = malloc(c->bytes[i]);
            memset(c->init[i], 0, c->bytes[i]);
            tc_each(c, i, tc_put_input);
        }
    }
    return 1;
}

static inline void tc_free(tcase *c)
{
    for (int i = 0; i < c->nops; i++) {
        free(c->buf[i]);
        free(c->init[i]);
        free(c->elem[i]);
    }
}

/* Inputs as built, outputs all sentinel, in buffers b[] (c->buf or others
 * of the same sizes). */
static inline void tc_reset(const tcase *c, unsigned char *const *b)
{
    for (int i = 0; i < c->nops; i++) {
        if (i < c->nin)
            memcpy(b[i], c->init[i], c->bytes[i]);
        else
            memset(b[i], UL_SENTINEL, c->bytes[i]);
    }
}

static inline void tc_ops(const tcase *c, unsigned char *const *b, ul_operand *ops)
{
    for (int i = 0; i < c->nops; i++)
        ops[i] = (ul_operand){ (char *)b[i] + c->off[i], c->type[i], c->ndim[i],
                               c->shape[i], c->stride[i] };
}

static inline int tc_call(const tcase *c, unsigned char *const *b, ul_call_info *info)
{
    ul_operand ops[TC_MAXOPS];
    tc_ops(c, b, ops);
    return ul_gufunc_call(c->g, c->nops, ops, info);
}

/* 1 when the row writes its input (numpy's qr_r_raw: A is overwritten). */
static inline int tc_writes_input(const tcase *c)
{
    return strncmp(c->g->name, "qr_r_raw", 8) == 0;
}

/* 1 when the bytes of element at p are a "failed" value: NaN in every
 * float part, -1 for int32 (lstsq's rank). */
static inline int tc_is_failed(int type, const unsigned char *p)
{
    if (type == UL_INT32) {
        int32_t v;
        memcpy(&v, p, 4);
        return v == -1;
    }
    double complex v = ul_get(type, (const char *)p);
    return isnan(creal(v)) && (type == UL_FLOAT || type == UL_DOUBLE || isnan(cimag(v)));
}

#endif
