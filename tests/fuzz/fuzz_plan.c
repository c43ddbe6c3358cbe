/*
 * fuzz_plan.c - libFuzzer target: prepared plans. ul_plan_new or
 * ul_plan_newv on operands from fuzz_ops.h; a plan that was made is run
 * (when its operands map), its outputs compared bit for bit with
 * ul_gufunc_call's on the same data and with a second run; runs with a
 * NULL data array or a NULL pointer for an operand with elements must
 * give UL_EINVAL and write nothing; ul_plan_run(NULL) too. A plan that
 * was refused must leave *out NULL and match the call's status and
 * message. Half the plans run with UL_FP_UNTOUCHED (same bits).
 */
#include "fuzz_ops.h"

/* The outputs' bytes now (each output buffer, concatenated). */
static unsigned char *outputs_now(const fz_call *c, size_t *len)
{
    size_t n = 0, at = 0;
    for (int i = c->g->nin; i < c->nargs; i++)
        n += c->op[i].bytes;
    unsigned char *s = malloc(n ? n : 1);
    for (int i = c->g->nin; i < c->nargs; i++, at += c->op[i - 1].bytes)
        memcpy(s + at, c->op[i].buf, c->op[i].bytes);
    *len = n;
    return s;
}

/* every buffer as it was before the first run (qr_r_raw writes its input) */
static void outputs_reset(fz_call *c)
{
    for (int i = 0; i < c->nargs; i++)
        memcpy(c->op[i].buf, c->op[i].before, c->op[i].bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    fz_in in = { bytes, size };
    size_t ng = ul_gufunc_count();
    uint8_t pick = fz_u8(&in), how = fz_u8(&in);
    static fz_call c;
    fz_build(&in, &c, ul_gufunc_at(pick % ng));
    if (getenv("FUZZ_VERBOSE"))
        fz_print(&c);
    ul_plan *p = (ul_plan *)1;
    ul_call_info pinfo, info;
    /* the same operands as flat arrays (per-operand NULL shape or strides
       do not exist there: the call then goes through ul_gufunc_callv) */
    static int types[FZ_MAXOPS], ndims[FZ_MAXOPS];
    static ptrdiff_t shapes[FZ_MAXOPS * FZ_MAXND], strides[FZ_MAXOPS * FZ_MAXND];
    size_t at = 0;
    for (int i = 0; i < c.nops && i < FZ_MAXOPS; i++) {
        types[i] = c.uop[i].type;
        ndims[i] = c.uop[i].ndim;
        for (int k = 0; ndims[i] <= FZ_MAXND && k < ndims[i]; k++, at++) {
            shapes[at] = c.op[i].shape[k];
            strides[at] = c.op[i].strides[k];
        }
    }
    int prc = (how & 1) ? ul_plan_newv(c.g, c.nops, types, ndims, shapes, strides, &p, &pinfo)
                        : ul_plan_new(c.g, c.nops, c.uop, &p, &pinfo);
    FZ_ASSERT((prc == UL_OK) == (p != NULL), "plan %p, status %d", (void *)p, prc);
    if (prc != UL_OK) {
        if (!(how & 1) && fz_mappable(&c)) {    /* data pointers are no excuse */
            int rc = ul_gufunc_call(c.g, c.nops, c.uop, &info);
            fz_check(&c, rc, &info);
            FZ_ASSERT(rc == prc && !strcmp(info.message, pinfo.message),
                      "plan %d \"%s\", call %d \"%s\"", prc, pinfo.message, rc, info.message);
        }
        fz_free(&c);
        return 0;
    }
    if (how & 4)        /* the same bits and statuses without the FP-flag restore */
        FZ_ASSERT(ul_plan_fp_flags(p, UL_FP_UNTOUCHED) == UL_OK, "FP mode refused");
    char *data[FZ_MAXOPS];
    for (int i = 0; i < c.nargs; i++)
        data[i] = c.uop[i].data;
    FZ_ASSERT(ul_plan_run(NULL, data, &info) == UL_EINVAL, "NULL plan ran");
    int rc = ul_plan_run(p, NULL, &info);
    FZ_ASSERT(rc == UL_EINVAL || c.nargs == 0, "NULL data array: %d", rc);
    fz_check(&c, rc, &info);
    if (fz_mappable(&c)) {
        for (int i = 0; i < c.nargs; i++) {    /* one NULL pointer */
            if (c.op[i].count == 0)
                continue;
            data[i] = NULL;
            rc = ul_plan_run(p, data, (how & 2) ? NULL : &info);
            FZ_ASSERT(rc == UL_EINVAL, "NULL data for operand %d: %d", i, rc);
            fz_check(&c, rc, (how & 2) ? NULL : &info);
            data[i] = c.uop[i].data;
            break;
        }
        size_t n1, n2, n3;
        rc = ul_plan_run(p, data, (how & 2) ? NULL : &info);
        fz_check(&c, rc, (how & 2) ? NULL : &info);
        unsigned char *first = outputs_now(&c, &n1);
        outputs_reset(&c);
        ul_call_info cinfo;
        char *cdata[FZ_MAXOPS];
        for (int i = 0; i < c.nargs; i++)
            cdata[i] = c.uop[i].data;
        int rc2 = (how & 1) ? ul_gufunc_callv(c.g, c.nops, cdata, types, ndims, shapes,
                                              strides, &cinfo)
                            : ul_gufunc_call(c.g, c.nops, c.uop, &cinfo);
        fz_check(&c, rc2, &cinfo);
        unsigned char *call = outputs_now(&c, &n2);
        outputs_reset(&c);
        int rc3 = ul_plan_run(p, data, &info);
        unsigned char *again = outputs_now(&c, &n3);
        FZ_ASSERT(rc == rc2 && rc == rc3, "plan %d, call %d \"%s\", plan again %d", rc, rc2,
                  cinfo.message, rc3);
        FZ_ASSERT(!memcmp(first, call, n1), "%s: plan and call differ", c.g->name);
        FZ_ASSERT(!memcmp(first, again, n1), "%s: two runs differ", c.g->name);
        free(first), free(call), free(again);
    }
    ul_plan_free(p);
    fz_free(&c);
    return 0;
}
