/*
 * fuzz_driver.c - libFuzzer target: ul_gufunc_call / ul_gufunc_callv on
 * any row of the table (or NULL) with operands from fuzz_ops.h. A plan
 * made from the same operands (it does every check but the data
 * pointers') tells whether the call may succeed: then it is only made
 * when its operands map onto real buffers; when the plan fails the call
 * must fail with the same status and message. fuzz_ops.h checks what
 * was written, fuzz_ref.h the results of well-conditioned calls.
 */
#include "fuzz_ref.h"

/* The flat arrays of ul_gufunc_callv, some of them NULL when `nulls` says. */
typedef struct flat {
    char *data[FZ_MAXOPS];
    int types[FZ_MAXOPS], ndims[FZ_MAXOPS];
    ptrdiff_t shapes[FZ_MAXOPS * FZ_MAXND], strides[FZ_MAXOPS * FZ_MAXND];
} flat;

static void flatten(const fz_call *c, int n, flat *f)
{
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        const ul_operand *u = &c->uop[i];
        f->data[i] = u->data;
        f->types[i] = u->type;
        f->ndims[i] = u->ndim;
        for (int k = 0; u->ndim <= FZ_MAXND && k < u->ndim; k++, at++) {
            f->shapes[at] = c->op[i].shape[k];
            f->strides[at] = c->op[i].strides[k];
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    fz_in in = { bytes, size };
    size_t ng = ul_gufunc_count();
    uint8_t pick = fz_u8(&in), how = fz_u8(&in);
    const ul_gufunc *g = pick % (ng + 1) < ng ? ul_gufunc_at(pick % (ng + 1)) : NULL;
    static fz_call c;
    fz_build(&in, &c, g);
    int n = c.nops < 0 ? 0 : c.nops > FZ_MAXOPS ? FZ_MAXOPS : c.nops;
    int vflat = how & 1, null_ops = (how & 0x0e) == 0x0e, no_info = (how & 0x30) == 0x30;
    static flat f;
    flatten(&c, n, &f);
    int null_arr = vflat && (how & 0xc0) == 0xc0 ? 1 + fz_u8(&in) % 5 : 0;
    const int *types = null_arr == 1 ? NULL : f.types, *ndims = null_arr == 2 ? NULL : f.ndims;
    const ptrdiff_t *shapes = null_arr == 3 ? NULL : f.shapes;
    const ptrdiff_t *strides = null_arr == 4 ? NULL : f.strides;
    char *const *data = null_arr == 5 ? NULL : f.data;
    const ul_operand *ops = null_ops ? NULL : c.uop;

    if (getenv("FUZZ_VERBOSE"))
        fz_print(&c);
    ul_plan *plan = (ul_plan *)1;
    ul_call_info pinfo, info;
    int prc = vflat ? ul_plan_newv(g, c.nops, types, ndims, shapes, strides, &plan, &pinfo)
                    : ul_plan_new(g, c.nops, ops, &plan, &pinfo);
    FZ_ASSERT((prc == UL_OK) == (plan != NULL), "plan %p with status %d", (void *)plan, prc);
    ul_plan_free(plan);
    if (prc == UL_OK && !fz_mappable(&c))
        goto done;               /* could succeed on memory that is not there */
    int rc = vflat ? ul_gufunc_callv(g, c.nops, data, types, ndims, shapes, strides,
                                     no_info ? NULL : &info)
                   : ul_gufunc_call(g, c.nops, ops, no_info ? NULL : &info);
    fz_check(&c, rc, no_info ? NULL : &info);
    if (prc != UL_OK && !(vflat && data == NULL && c.nops > 0)) {
        FZ_ASSERT(rc == prc, "plan said %d \"%s\", call %d", prc, pinfo.message, rc);
        if (!no_info)
            FZ_ASSERT(!strcmp(info.message, pinfo.message), "plan \"%s\", call \"%s\"",
                      pinfo.message, info.message);
    }
    if (prc == UL_OK)
        FZ_ASSERT(rc == UL_OK || rc == UL_ESINGULAR || rc == UL_EINVAL, "rc %d", rc);
    if (rc == UL_OK)
        fz_ref_check(&c);
done:
    fz_free(&c);
    return 0;
}
