/*
 * fuzz_sig.c - libFuzzer target: run-time rows. ul_ffi_gufunc_new with
 * fuzzed operand counts, type strings, flags, signatures (tokens of the
 * grammar and raw bytes), names and message buffers; then, when the row
 * was made, a call on operands from fuzz_ops.h (the function does
 * nothing, or adds two doubles when the row is "dd->d" element-wise and
 * the result is then checked), and the release. Checks: status in range,
 * the out-pointer set exactly on success, messages terminated within
 * msglen, the row findable while registered and gone after the release.
 */
#include "fuzz_ref.h"

static void nop(void) {}
static double add(double a, double b) { return a + b; }

static size_t fz_string(fz_in *in, char *buf, size_t cap, const char *const *tok,
                        size_t ntok)
{
    size_t at = 0;
    for (int n = fz_u8(in) % 24; n > 0 && at + 8 < cap; n--) {
        uint8_t b = fz_u8(in);
        const char *t = b < 8 ? (char[2]){ (char)fz_u8(in), 0 } : tok[b % ntok];
        size_t len = strlen(t);
        memcpy(buf + at, t, len);
        at += len;
    }
    buf[at] = 0;
    return at;
}

/* out = a + b, element by element, broadcast */
static void check_add(const fz_call *c)
{
    const fz_operand *out = &c->op[2];
    ptrdiff_t idx[FZ_MAXND] = { 0 };
    for (ptrdiff_t e = 0; e < out->count; e++) {
        double a = creal(fz_get(UL_DOUBLE, fz_at(c, 0, idx, out->ndim, NULL)));
        double b = creal(fz_get(UL_DOUBLE, fz_at(c, 1, idx, out->ndim, NULL)));
        double got = creal(fz_get(UL_DOUBLE, fz_at(c, 2, idx, out->ndim, NULL)));
        FZ_ASSERT(got == a + b || (got != got && a + b != a + b), "%g + %g gave %g", a, b, got);
        for (int k = out->ndim - 1; k >= 0 && ++idx[k] == out->shape[k]; k--)
            idx[k] = 0;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    static const char *const sig_tok[] = { "(", ")", ",", "->", " ", "m", "n", "k",
        "n?", "3", "0", "x1", "()", "(n)", "(m,n)", "(n,n)", "->()", "?", "99999999999" };
    static const char *const type_tok[] = { "?", "i", "q", "f", "d", "F", "D", "d", "D" };
    static const int counts[] = { 0, 1, 2, 3, 1, 2, 1, 31, 32, 33, -1 };
    static unsigned long serial;
    fz_in in = { bytes, size };
    int nin = counts[fz_u8(&in) % 11], nout = counts[fz_u8(&in) % 11];
    int ntypes = (int)(fz_u8(&in) % 4) - (fz_u8(&in) == 0xff);
    int flags = (int)(int8_t)fz_u8(&in);
    uint8_t how = fz_u8(&in);
    char types[256], sig[256], name[64], msg[80];
    fz_string(&in, types, sizeof types, type_tok, 9);
    if ((how & 3) == 0 && nin + nout > 0 && ntypes > 0 && ntypes * (nin + nout) < 200) {
        for (int k = 0; k < ntypes * (nin + nout); k++)      /* the right length */
            types[k] = type_tok[fz_u8(&in) % 9][0];
        types[ntypes * (nin + nout)] = 0;
    }
    fz_string(&in, sig, sizeof sig, sig_tok, sizeof sig_tok / sizeof sig_tok[0]);
    const char *signature = (how & 4) ? sig : (how & 8) ? "" : NULL;
    if ((how & 0x30) == 0x30)
        snprintf(name, sizeof name, "inv");                  /* taken */
    else
        snprintf(name, sizeof name, "fz_%lu", serial++);
    void *fns[4] = { (void *)nop, (void *)nop, (void *)nop, (void *)nop };
    int adds = nin == 2 && nout == 1 && ntypes == 1 && !strcmp(types, "ddd") &&
               (flags & 7) == 0 && (signature == NULL || !signature[0]);
    if (adds)
        fns[0] = (void *)add;
    if ((how & 0xc0) == 0xc0)
        fns[fz_u8(&in) % 4] = NULL;
    size_t msglen = fz_u8(&in) % sizeof msg;
    memset(msg, 'x', sizeof msg);
    const ul_gufunc *g = (const ul_gufunc *)1;
    int rc = ul_ffi_gufunc_new((how & 0xc0) == 0x80 ? NULL : name, nin, nout, ntypes,
                               fns, (how & 3) == 3 ? NULL : types, flags, signature,
                               (how & 2) ? "doc" : NULL, &g, msglen ? msg : NULL, msglen);
    FZ_ASSERT(rc >= UL_OK && rc <= UL_EOVERFLOW, "status %d", rc);
    FZ_ASSERT((rc == UL_OK) == (g != NULL), "row %p, status %d", (const void *)g, rc);
    if (msglen)
        FZ_ASSERT(memchr(msg, 0, msglen) && (msglen == 1 || (rc == UL_OK) == (msg[0] == 0)),
                  "rc %d msg \"%.*s\"", rc, (int)msglen, msg);
    if (rc != UL_OK) {
        FZ_ASSERT(strcmp(name, "inv") == 0 || ul_gufunc_find(name) == NULL, "%s registered", name);
        return 0;
    }
    FZ_ASSERT(ul_gufunc_find(name) == g, "%s not found", name);
    for (int k = -1; k <= ntypes; k++) {
        int d = ul_ffi_gufunc_is_direct(g, k);
        FZ_ASSERT(k >= 0 && k < ntypes ? d == 0 || d == 1 : d == -1, "is_direct(%d) %d", k, d);
    }

    static fz_call c;
    fz_build(&in, &c, g);
    ul_plan *plan = NULL;
    int prc = ul_plan_new(g, c.nops, c.uop, &plan, NULL);
    ul_plan_free(plan);
    if (prc != UL_OK || fz_mappable(&c)) {
        ul_call_info info;
        int crc = ul_gufunc_call(g, c.nops, c.uop, &info);
        fz_check(&c, crc, &info);
        FZ_ASSERT(prc != UL_OK ? crc == prc : crc == UL_OK || crc == UL_EINVAL,
                  "plan %d, call %d \"%s\"", prc, crc, info.message);
        if (adds && crc == UL_OK && !c.mutated && !c.op[2].overlap)
            check_add(&c);
    }
    fz_free(&c);
    FZ_ASSERT(ul_ffi_gufunc_release(g) == UL_OK, "release");
    FZ_ASSERT(ul_gufunc_find(name) == NULL, "%s still found", name);
    FZ_ASSERT(ul_ffi_gufunc_release(g) == UL_ENOTFOUND, "second release");
    return 0;
}
