/*
 * fuzz_ops.h - what the libFuzzer targets share: a reader over the fuzz
 * input, operands for a gufunc row built from it (shapes that mostly bind,
 * every stride kind, then mutations: huge or negative sizes, bad ndim,
 * NULL shape/strides/data, wrong types, raw strides), each operand in its
 * own canary-filled buffer, and the checks every call must pass:
 *   - the status is a known code and info agrees with it;
 *   - on an error every output byte still holds the canary;
 *   - on success no byte outside the outputs' elements changed;
 *   - no input byte changed (qr_r_raw's input is its documented
 *     workspace on success).
 * An operand whose elements would not fit in FZ_MAX_BYTES is given a tiny
 * canary buffer instead: a call that could succeed with it is not made
 * (fz_mappable), one that must fail is, and ASan sees any access.
 */
#ifndef FUZZ_OPS_H
#define FUZZ_OPS_H

#include "umath_linalg.h"
#include "ul_sig.h"
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_MAXOPS 34          /* room for operand counts up to nargs + 2   */
#define FZ_MAXND 66           /* room for ndim up to UL_MAX_NDIM + 2       */
#define FZ_MAX_ELEMS 2048
#define FZ_MAX_BYTES (1 << 17)
#define FZ_PAD 32
#define FZ_CANARY 0xA5

#define FZ_ASSERT(cond, ...) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); abort(); } } while (0)

/* ---- the fuzz input, read front to back; zeros once it runs out ---- */
typedef struct fz_in { const uint8_t *p; size_t n; } fz_in;

static inline uint8_t fz_u8(fz_in *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

static inline uint64_t fz_u64(fz_in *in)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | fz_u8(in);
    return v;
}

static inline uint64_t fz_mix(uint64_t x)     /* splitmix64's finalizer */
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static inline double fz_unit(uint64_t h)      /* [-1, 1) */
{
    return (double)(h >> 11) * 0x1.0p-52 - 1.0;
}

/* Sizes that bind and stay small, now and then one that must be refused
   or overflow. */
static inline ptrdiff_t fz_dim(fz_in *in)
{
    static const ptrdiff_t special[] = {
        PTRDIFF_MAX, PTRDIFF_MAX / 2 + 1, (ptrdiff_t)INT32_MAX,
        (ptrdiff_t)INT32_MAX + 1, (ptrdiff_t)1 << 32, 3037000500,
        -1, PTRDIFF_MIN, 65536, 1 << 20 };
    uint8_t b = fz_u8(in);
    if (b < 200)
        return b % 5;
    if (b < 245)
        return b % 24;
    return special[b % (sizeof special / sizeof special[0])];
}

static inline size_t fz_type_size(int type)
{
    switch (type) {
    case UL_BOOL: return 1;
    case UL_INT32: case UL_FLOAT: return 4;
    case UL_INT64: case UL_DOUBLE: case UL_CFLOAT: return 8;
    case UL_CDOUBLE: return 16;
    default: return 0;
    }
}

/* ---- element values as double complex ---- */
static inline void fz_put(int type, char *p, double complex v)
{
    switch (type) {
    case UL_FLOAT: { float x = (float)creal(v); memcpy(p, &x, 4); break; }
    case UL_DOUBLE: { double x = creal(v); memcpy(p, &x, 8); break; }
    case UL_CFLOAT: { float x[2] = { (float)creal(v), (float)cimag(v) }; memcpy(p, x, 8); break; }
    case UL_CDOUBLE: { double x[2] = { creal(v), cimag(v) }; memcpy(p, x, 16); break; }
    case UL_INT32: { int32_t x = fabs(creal(v)) < 1e9 ? (int32_t)creal(v) : 7; memcpy(p, &x, 4); break; }
    case UL_INT64: { int64_t x = fabs(creal(v)) < 1e18 ? (int64_t)creal(v) : 7; memcpy(p, &x, 8); break; }
    case UL_BOOL: *p = creal(v) != 0; break;
    }
}

static inline double complex fz_get(int type, const char *p)
{
    switch (type) {
    case UL_FLOAT: { float x; memcpy(&x, p, 4); return x; }
    case UL_DOUBLE: { double x; memcpy(&x, p, 8); return x; }
    case UL_CFLOAT: { float x[2]; memcpy(x, p, 8); return x[0] + I * (double)x[1]; }
    case UL_CDOUBLE: { double x[2]; memcpy(x, p, 16); return x[0] + I * x[1]; }
    case UL_INT32: { int32_t x; memcpy(&x, p, 4); return x; }
    case UL_INT64: { int64_t x; memcpy(&x, p, 8); return (double)x; }
    }
    return 0;
}

/* ---- operands ---- */
enum { FZ_RANDOM, FZ_WELL, FZ_RAW, FZ_SPECIAL, FZ_NMODES };

typedef struct fz_operand {
    int type, ndim;
    ptrdiff_t shape[FZ_MAXND], strides[FZ_MAXND];
    int null_shape, null_strides, null_data;
    size_t esize;              /* bytes per element (16 for unknown types) */
    int bounded;               /* every element lies in buf                */
    ptrdiff_t count;           /* elements (when bounded)                  */
    ptrdiff_t *offs;           /* their byte offsets from data, C order    */
    int overlap;               /* two elements share a byte                */
    unsigned char *buf, *before, *mask;
    size_t bytes;
    char *data;
} fz_operand;

typedef struct fz_call {
    const ul_gufunc *g;
    const ul_sig *sig;
    ul_sig parsed;
    int nargs, nops, loop;
    int mutated;               /* a deliberate defect was put in           */
    int values;                /* FZ_RANDOM ...                            */
    uint64_t seed;
    double work;               /* outer size x (largest core size)^3       */
    unsigned char dropped[UL_MAX_CORE];  /* '?' dims left out              */
    fz_operand op[FZ_MAXOPS];
    ul_operand uop[FZ_MAXOPS];
} fz_call;

/* Byte offsets of every element (C order), or bounded = 0. */
static inline void fz_map(fz_operand *o, size_t skew)
{
    o->bounded = 0;
    o->count = 0;
    if (o->ndim < 0 || o->ndim > FZ_MAXND)
        return;
    ptrdiff_t count = 1, lo = 0, hi = 0, t;
    for (int k = 0; k < o->ndim; k++) {
        if (o->shape[k] < 0 || __builtin_mul_overflow(count, o->shape[k], &count))
            return;
    }
    for (int k = 0; k < o->ndim && count > 0; k++) {
        if (__builtin_mul_overflow(o->shape[k] - 1, o->strides[k], &t) ||
            __builtin_add_overflow(t < 0 ? lo : hi, t, t < 0 ? &lo : &hi))
            return;
    }
    if (count > FZ_MAX_ELEMS || hi - lo > FZ_MAX_BYTES)
        return;
    o->bounded = 1;
    o->count = count;
    o->offs = malloc(sizeof *o->offs * (size_t)(count ? count : 1));
    ptrdiff_t idx[FZ_MAXND] = { 0 };
    for (ptrdiff_t e = 0; e < count; e++) {
        ptrdiff_t off = 0;
        for (int k = 0; k < o->ndim; k++)
            off += idx[k] * o->strides[k];
        o->offs[e] = off;
        for (int k = o->ndim - 1; k >= 0 && ++idx[k] == o->shape[k]; k--)
            idx[k] = 0;
    }
    /* buffer: pad, misalignment, the elements' span, pad */
    o->bytes = (size_t)(hi - lo) + o->esize + 2 * FZ_PAD + skew;
    o->buf = malloc(o->bytes);
    o->mask = calloc(o->bytes, 1);
    memset(o->buf, FZ_CANARY, o->bytes);
    o->data = (char *)o->buf + FZ_PAD + skew - lo;
    for (ptrdiff_t e = 0; e < count; e++) {
        unsigned char *m = o->mask + (o->data + o->offs[e] - (char *)o->buf);
        for (size_t b = 0; b < o->esize; b++)
            o->overlap |= m[b]++ != 0;
    }
}

/* Strides of one operand from a layout byte: axis order C or with the
   last two swapped, per-axis padding and sign, zero strides on size-1
   axes, a byte skew (misaligned, even overlapping elements). */
static inline void fz_layout(fz_in *in, fz_operand *o)
{
    uint8_t lay = fz_u8(in), neg = fz_u8(in), pads = fz_u8(in);
    int nd = o->ndim, swap = (lay & 1) && nd >= 2;
    ptrdiff_t acc = (ptrdiff_t)o->esize;
    for (int k = nd - 1; k >= 0; k--) {
        int ax = swap && k >= nd - 2 ? (k == nd - 1 ? nd - 2 : nd - 1) : k;
        ptrdiff_t pad = (lay & 2) ? 1 + (pads >> (2 * (k & 3)) & 3) : 1;
        ptrdiff_t st = acc * pad;
        ptrdiff_t n = o->shape[ax] > 0 ? o->shape[ax] : 1;
        if (n > FZ_MAX_BYTES)
            n = 1;
        acc = st * n;              /* beyond FZ_MAX_BYTES: unmappable anyway */
        acc = acc > FZ_MAX_BYTES ? FZ_MAX_BYTES + 1 : acc;
        if ((lay & 4) && o->shape[ax] == 1)
            st = 0;
        if (neg >> (k & 7) & 1)
            st = -st;
        o->strides[ax] = st;
    }
    if ((lay & 0x18) == 0x18 && nd > 0)      /* skew the innermost stride */
        o->strides[nd - 1] += (lay & 0x20) ? 1 : -1;
}

/* A deliberate defect in operand i (or the call). */
static inline void fz_mutate(fz_in *in, fz_call *c)
{
    static const int bad_ndim[] = { -1, 65, 64, -2147483647 - 1, 2147483647 };
    static const ptrdiff_t raw[] = { PTRDIFF_MAX, PTRDIFF_MIN, PTRDIFF_MAX / 3,
                                     -((ptrdiff_t)1 << 40), 1 << 30, 3, -7 };
    uint8_t kind = fz_u8(in), which = fz_u8(in), v = fz_u8(in);
    fz_operand *o = &c->op[which % FZ_MAXOPS % (c->nargs + 1 < FZ_MAXOPS ? c->nargs + 1 : FZ_MAXOPS)];
    int has = o->ndim > 0 && o->ndim <= FZ_MAXND, k = has ? v % o->ndim : 0;
    c->mutated = 1;
    switch (kind % 10) {
    case 0: if (has) o->shape[k] = fz_dim(in); break;
    case 1: o->ndim = v & 1 && o->ndim >= 0 && o->ndim <= FZ_MAXND ?
                      o->ndim + (v % 5) - 2 : bad_ndim[v % 5]; break;
    case 2: o->null_shape = 1; break;
    case 3: o->null_strides = 1; break;
    case 4: o->null_data = 1; break;
    case 5: o->type = (int)(int8_t)v; break;
    case 6: if (has) o->strides[k] = raw[v % 7]; break;
    case 7: if (has) o->strides[k] = (ptrdiff_t)fz_u64(in); break;
    case 8: c->nops = c->nargs + (v % 5) - 2; break;
    default: if (has && o->shape[k] < PTRDIFF_MAX) o->shape[k] = o->shape[k] + 1; break;
    }
}

/* The value of element e of operand i; FZ_WELL makes square cores
   diagonally dominant Hermitian (well conditioned, positive definite). */
static inline double complex fz_value(const fz_call *c, int i, ptrdiff_t e,
                                      const uint8_t **raw, size_t *nraw)
{
    const fz_operand *o = &c->op[i];
    static const double special[] = { 0.0, -0.0, 1.0, -1.0, 1e308, -1e-310,
        5e-324, 1e-30, 3.4e38, 1e300, 0.5 };
    int nc = i < c->sig->nargs ? c->sig->ncore[i] : 0, nd = o->ndim;
    ptrdiff_t m = nd >= 2 ? o->shape[nd - 1] : 1;
    ptrdiff_t row = m ? e / m % (nd >= 2 ? o->shape[nd - 2] : 1) : 0, col = m ? e % m : 0;
    ptrdiff_t mat = nd >= 2 && m ? e / (m * o->shape[nd - 2]) : e;
    uint64_t h = fz_mix(c->seed ^ fz_mix((uint64_t)i << 48 ^ (uint64_t)e));
    switch (c->values) {
    case FZ_WELL:
        if (nc >= 2 && nd >= 2 && o->shape[nd - 2] == m) {
            ptrdiff_t a = row < col ? row : col, b = row < col ? col : row;
            uint64_t hs = fz_mix(c->seed ^ fz_mix((uint64_t)i << 48 ^ (uint64_t)(mat * 4096 + a * 64 + b)));
            if (a == b)
                return 2.0 + 0.5 * fz_unit(hs);
            double complex z = fz_unit(hs) + I * fz_unit(fz_mix(hs));
            z *= 0.4 / (double)m;
            return row < col ? z : conj(z);
        }
        return fz_unit(h) + I * fz_unit(fz_mix(h));
    case FZ_RAW: {
        double complex v = 0;
        if (*nraw >= 16) {
            double x[2];
            memcpy(x, *raw, 16);
            *raw += 16, *nraw -= 16;
            v = x[0] + I * x[1];
        }
        return v;
    }
    case FZ_SPECIAL:
        return special[h % 11] + I * special[(h >> 8) % 11] +
               (h >> 16 & 1 ? fz_unit(fz_mix(h)) : 0) +
               ((h >> 17 & 3) == 3 ? NAN : 0);
    default:
        return fz_unit(h) + I * fz_unit(fz_mix(h));
    }
}

/* Builds the call: row g (or none), operands, values, mutations. */
static inline void fz_build(fz_in *in, fz_call *c, const ul_gufunc *g)
{
    memset(c, 0, sizeof *c);
    c->g = g;
    c->sig = g ? ul_table_sig(g) : NULL;     /* a built-in row's */
    if (c->sig == NULL && g && ul_sig_parse(g->signature, g->nin, g->nout, &c->parsed,
                                            NULL, 0) == UL_OK)
        c->sig = &c->parsed;                  /* a run-time row's */
    if (c->sig == NULL) {
        memset(&c->parsed, 0, sizeof c->parsed);
        c->sig = &c->parsed;                  /* none: no core dims */
    }
    const ul_sig *s = c->sig;
    c->nargs = g ? g->nin + g->nout : (int)(fz_u8(in) % 4);
    c->nops = c->nargs;
    c->loop = g ? fz_u8(in) % g->ntypes : 0;
    c->values = fz_u8(in) % FZ_NMODES;
    c->seed = fz_u64(in);
    ptrdiff_t outer[3], size[UL_MAX_CORE];
    int nouter = fz_u8(in) % 4;
    for (int a = 0; a < nouter; a++)
        outer[a] = fz_dim(in);
    uint8_t drop = fz_u8(in);
    double most = 1;
    c->work = 1;
    for (int a = 0; a < nouter; a++)
        c->work *= (double)outer[a];
    for (int d = 0; d < s->ndims; d++) {
        size[d] = s->frozen[d] >= 0 ? s->frozen[d] : fz_dim(in);
        c->dropped[d] = s->can_ignore[d] && (drop >> (d & 7) & 1);
        most = fmax(most, (double)size[d]);
    }
    c->work *= most * most * most;
    for (int i = 0; i < c->nargs && i < FZ_MAXOPS; i++) {
        fz_operand *o = &c->op[i];
        int is_in = g && i < g->nin;
        o->type = g ? g->types[c->loop * c->nargs + i] : UL_DOUBLE;
        uint8_t b = fz_u8(in);
        int no = is_in ? b % (nouter + 1) : nouter;
        for (int a = 0; a < no; a++)
            o->shape[a] = is_in && (b >> (4 + a) & 1) ? 1 : outer[nouter - no + a];
        o->ndim = no;
        for (int k = 0; i < s->nargs && k < s->ncore[i]; k++) {
            int d = s->dim_ix[s->offset[i] + k];
            if (!c->dropped[d])
                o->shape[o->ndim++] = size[d];
        }
    }
    for (int n = fz_u8(in) % 16; n >= 13; n--)      /* mostly none */
        fz_mutate(in, c);
    const uint8_t *raw = in->p;
    size_t nraw = in->n;
    for (int i = 0; i < c->nargs + 2 && i < FZ_MAXOPS; i++) {
        fz_operand *o = &c->op[i];
        size_t es = fz_type_size(o->type);
        o->esize = es ? es : 16;
        if (i >= c->nargs)
            o->type = UL_DOUBLE, o->esize = 8;
        if (o->ndim >= 0 && o->ndim <= FZ_MAXND)
            fz_layout(in, o);
        fz_map(o, (size_t)(fz_mix(c->seed + (uint64_t)i) & 7));
        int is_out = g == NULL || i >= g->nin;
        if (!o->bounded) {              /* a tiny buffer ASan guards */
            o->bytes = 2 * FZ_PAD;
            o->buf = malloc(o->bytes);
            o->mask = calloc(o->bytes, 1);
            memset(o->buf, FZ_CANARY, o->bytes);
            o->data = (char *)o->buf + FZ_PAD;
        } else if (!is_out) {
            for (ptrdiff_t e = 0; e < o->count; e++) {
                char *p = o->data + o->offs[e];
                fz_put(o->type, p, fz_value(c, i, e, &raw, &nraw));
            }
        }
        if (o->count == 0 && o->bounded && (fz_u8(in) & 1))
            o->data = NULL;             /* empty operands may be NULL */
        o->before = malloc(o->bytes);
        memcpy(o->before, o->buf, o->bytes);
        c->uop[i].data = o->null_data ? NULL : o->data;
        c->uop[i].type = o->type;
        c->uop[i].ndim = o->ndim;
        c->uop[i].shape = o->null_shape ? NULL : o->shape;
        c->uop[i].strides = o->null_strides ? NULL : o->strides;
    }
}

/* The call on stderr (FUZZ_VERBOSE=1: what a crash input does; 2: and
   the input values). */
static inline void fz_print(const fz_call *c)
{
    fprintf(stderr, "%s nops %d loop %d values %d%s\n", c->g ? c->g->name : "NULL",
            c->nops, c->loop, c->values, c->mutated ? " mutated" : "");
    for (int i = 0; i < c->nargs + 2 && i < FZ_MAXOPS; i++) {
        const fz_operand *o = &c->op[i];
        fprintf(stderr, "  op %d type %d ndim %d%s%s%s shape/strides", i, o->type, o->ndim,
                o->null_shape ? " NULL-shape" : "", o->null_strides ? " NULL-strides" : "",
                o->null_data ? " NULL-data" : "");
        for (int k = 0; k < o->ndim && k < FZ_MAXND; k++)
            fprintf(stderr, " %td/%td", o->shape[k], o->strides[k]);
        fprintf(stderr, "%s\n", o->bounded ? "" : " (unmapped)");
        for (ptrdiff_t e = 0; getenv("FUZZ_VERBOSE")[0] == '2' && o->bounded &&
             c->g && i < c->g->nin && e < o->count; e++) {
            double complex v = fz_get(o->type, o->data + o->offs[e]);
            fprintf(stderr, "    %.17g%+.17gj\n", creal(v), cimag(v));
        }
    }
}

/* 1 if a successful call could only touch memory that exists: every
   operand it would use maps, and the work is bounded. */
static inline int fz_mappable(const fz_call *c)
{
    for (int i = 0; i < c->nargs; i++)
        if (!c->op[i].bounded || (c->op[i].null_data && c->op[i].count > 0))
            return 0;
    return c->work <= 1 << 22;
}

static inline int fz_is_written_input(const fz_call *c, int i)
{
    return i == 0 && c->g && strncmp(c->g->name, "qr_r_raw", 8) == 0;
}

/* The checks after a call that returned rc with info. */
static inline void fz_check(const fz_call *c, int rc, const ul_call_info *info)
{
    FZ_ASSERT(rc >= UL_OK && rc <= UL_EOVERFLOW, "status %d", rc);
    if (info) {
        FZ_ASSERT(info->status == rc, "info.status %d, returned %d", info->status, rc);
        FZ_ASSERT(memchr(info->message, 0, sizeof info->message), "message not terminated");
        FZ_ASSERT((rc == UL_OK) == (info->message[0] == 0), "rc %d, message \"%s\"",
                  rc, info->message);
        if (rc == UL_ESINGULAR)
            FZ_ASSERT(info->nfailed > 0 && info->first_failed >= 0 &&
                      info->first_failed < info->outer_size, "nfailed %td first %td of %td",
                      info->nfailed, info->first_failed, info->outer_size);
    }
    int ran = rc == UL_OK || rc == UL_ESINGULAR;
    int nin = c->g ? c->g->nin : 0;
    for (int i = 0; i < c->nargs + 2 && i < FZ_MAXOPS; i++) {
        const fz_operand *o = &c->op[i];
        int is_out = i >= nin && i < c->nargs;
        for (size_t b = 0; b < o->bytes; b++) {
            if (o->buf[b] == o->before[b])
                continue;
            FZ_ASSERT(ran && ((is_out && o->mask[b]) || fz_is_written_input(c, i)),
                      "%s (rc %d \"%s\"): operand %d byte %zu of %zu written (%s)",
                      c->g ? c->g->name : "NULL", rc, info ? info->message : "", i, b,
                      o->bytes, o->mask[b] ? "an element" : "outside the elements");
        }
    }
}

static inline void fz_free(fz_call *c)
{
    for (int i = 0; i < FZ_MAXOPS; i++) {
        free(c->op[i].buf);
        free(c->op[i].before);
        free(c->op[i].mask);
        free(c->op[i].offs);
    }
}

#endif
