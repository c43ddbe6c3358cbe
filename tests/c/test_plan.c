/*
 * Area: prepared call plans (ul_plan_new / _newv / _run / _free).
 * Purpose: a plan run gives bit for bit what ul_gufunc_call gives on the
 * same operands (every stride layout of ul_test.h, broadcast and
 * uncoalescable stacks, inv, solve, det, all four dtypes); every
 * validation error of the driver comes back from ul_plan_new with the
 * same status and message and no plan; ul_plan_run's own checks (NULL
 * plan, NULL data) write nothing; singular matrices give UL_ESINGULAR
 * with the driver's counts and message and the caller's FP flags kept;
 * the plan's allocation fails cleanly; two threads run one plan at once.
 * Limitations: the loops' numerics are test_loops.c's business.
 */
#include "ul_test.h"
#include <fenv.h>
#include <pthread.h>

static const ul_gufunc *INV, *SOLVE, *DET;

/* ---- same results as the driver, every layout ---- */

/* Runs g on ops through ul_gufunc_call and through a plan into two copies
 * of the output layouts; checks status and bytes agree. */
static void same_as_driver(const ul_gufunc *g, int nops, ul_operand *ops,
                           ul_layout *outs_a, ul_layout *outs_b, int nout,
                           const char *what)
{
    ul_call_info ia, ib;
    for (int o = 0; o < nout; o++)
        ops[nops - nout + o].data = outs_a[o].base;
    int ra = ul_gufunc_call(g, nops, ops, &ia);
    ul_plan *p = NULL;
    for (int o = 0; o < nout; o++)
        ops[nops - nout + o].data = NULL;          /* not read */
    int rc = ul_plan_new(g, nops, ops, &p, &ib);
    UL_CHECK(rc == UL_OK && p != NULL, "%s: plan_new %d (%s)", what, rc, ib.message);
    if (p == NULL)
        return;
    char *data[4];
    for (int i = 0; i < nops; i++)
        data[i] = i < nops - nout ? ops[i].data : outs_b[i - (nops - nout)].base;
    int rb = ul_plan_run(p, data, &ib);
    UL_CHECK(ra == rb && ia.nfailed == ib.nfailed && ia.first_failed == ib.first_failed &&
             ia.outer_size == ib.outer_size && strcmp(ia.message, ib.message) == 0,
             "%s: driver %d '%s', plan %d '%s'", what, ra, ia.message, rb, ib.message);
    for (int o = 0; o < nout; o++)
        UL_CHECK(memcmp(outs_a[o].buf, outs_b[o].buf, outs_a[o].bytes) == 0,
                 "%s: output %d differs", what, o);
    /* a second run on the same plan: the same again (nothing is consumed) */
    for (int o = 0; o < nout; o++)
        memset(outs_b[o].buf, UL_SENTINEL, outs_b[o].bytes);
    rb = ul_plan_run(p, data, NULL);
    UL_CHECK(ra == rb, "%s: second run %d", what, rb);
    for (int o = 0; o < nout; o++)
        UL_CHECK(memcmp(outs_a[o].buf, outs_b[o].buf, outs_a[o].bytes) == 0,
                 "%s: second run, output %d differs", what, o);
    ul_plan_free(p);
}

static void fill(ul_layout *L, int type, int singular_at)
{
    ptrdiff_t n = L->shape[1];
    for (ptrdiff_t k = 0; k < L->shape[0]; k++)
        for (ptrdiff_t i = 0; i < n; i++)
            for (ptrdiff_t j = 0; j < L->shape[2]; j++)
                ul_put(type, ul_at(L, k, i, j),
                       k == singular_at ? 1.0 : ul_rnd(ul_dtype_of(type)->complex_) +
                       (i == j ? n : 0));
}

static void test_layouts(void)
{
    int ns[] = { 1, 3, 4, 10, 20 };
    for (int t = 0; t < 4; t++) {
        int type = UL_DTYPES[t].type;
        size_t es = UL_DTYPES[t].size;
        for (size_t z = 0; z < sizeof ns / sizeof ns[0]; z++) {
            for (int kind = 0; kind < UL_NLAYOUTS; kind++) {
                ptrdiff_t n = ns[z], count = 5;
                char what[96];
                /* inv; the matrix at 3 singular (last kind only) */
                ul_layout A = ul_layout_new(kind, count, n, n, es);
                ul_layout Xa = ul_layout_new((kind + 3) % UL_NLAYOUTS, count, n, n, es);
                ul_layout Xb = ul_layout_new((kind + 3) % UL_NLAYOUTS, count, n, n, es);
                fill(&A, type, kind == UL_NLAYOUTS - 1 ? 3 : -1);
                ul_operand ops[3] = { ul_layout_operand(&A, type, 3),
                                      ul_layout_operand(&Xa, type, 3) };
                snprintf(what, sizeof what, "inv %c n=%td %s", UL_DTYPES[t].ch, n, A.name);
                same_as_driver(INV, 2, ops, &Xa, &Xb, 1, what);
                /* solve with (count, n, 2) right-hand sides */
                ul_layout B = ul_layout_new(kind, count, n, 2, es);
                ul_layout Ya = ul_layout_new((kind + 1) % UL_NLAYOUTS, count, n, 2, es);
                ul_layout Yb = ul_layout_new((kind + 1) % UL_NLAYOUTS, count, n, 2, es);
                fill(&B, type, -1);
                ops[1] = ul_layout_operand(&B, type, 3);
                ops[2] = ul_layout_operand(&Ya, type, 3);
                snprintf(what, sizeof what, "solve %c n=%td %s", UL_DTYPES[t].ch, n, A.name);
                same_as_driver(SOLVE, 3, ops, &Ya, &Yb, 1, what);
                /* det: (count,) output, a stack of scalars */
                ul_layout Da = ul_layout_new(kind, count, 1, 1, es);
                ul_layout Db = ul_layout_new(kind, count, 1, 1, es);
                ops[1] = ul_layout_operand(&Da, type, 1);
                snprintf(what, sizeof what, "det %c n=%td %s", UL_DTYPES[t].ch, n, A.name);
                same_as_driver(DET, 2, ops, &Da, &Db, 1, what);
                free(A.buf); free(Xa.buf); free(Xb.buf); free(B.buf);
                free(Ya.buf); free(Yb.buf); free(Da.buf); free(Db.buf);
            }
        }
    }
}

/* a (2,3) stack of 2x2 broadcast against a (3,) one: outer axes that do
 * not coalesce (several loop calls), the singular one in a later call */
static void test_broadcast(void)
{
    double a[2][3][2][2], b[3][2][2];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int r = 0; r < 4; r++)
                a[i][j][r / 2][r % 2] = ul_rand() + (r % 3 == 0 ? 3 : 0);
    for (int j = 0; j < 3; j++)
        for (int r = 0; r < 4; r++)
            b[j][r / 2][r % 2] = ul_rand();
    a[1][1][0][0] = a[1][1][0][1] = a[1][1][1][0] = a[1][1][1][1] = 2.0;
    ptrdiff_t sa[4] = { 2, 3, 2, 2 }, sta[4] = { 96, 32, 16, 8 };
    /* every other matrix of a transposed padded buffer: no merge */
    double bb[3][2][2][2];
    ptrdiff_t sb[3] = { 3, 2, 2 }, stb[3] = { sizeof bb[0], 8, 16 };
    for (int j = 0; j < 3; j++)
        for (int r = 0; r < 4; r++)
            bb[j][0][r % 2][r / 2] = b[j][r / 2][r % 2];
    ul_layout Xa = { 0 }, Xb = { 0 };
    Xa.bytes = Xb.bytes = sizeof(double) * 24 + 16;
    Xa.buf = malloc(Xa.bytes); Xb.buf = malloc(Xb.bytes);
    memset(Xa.buf, UL_SENTINEL, Xa.bytes); memset(Xb.buf, UL_SENTINEL, Xb.bytes);
    Xa.base = (char *)Xa.buf + 8; Xb.base = (char *)Xb.buf + 8;
    ptrdiff_t sx[4] = { 2, 3, 2, 2 }, stx[4] = { 96, 32, 16, 8 };
    ul_operand ops[3] = { { (char *)a, UL_DOUBLE, 4, sa, sta },
                          { (char *)bb, UL_DOUBLE, 3, sb, stb },
                          { NULL, UL_DOUBLE, 4, sx, stx } };
    same_as_driver(SOLVE, 3, ops, &Xa, &Xb, 1, "solve broadcast");
    ul_call_info info;
    ul_plan *p;
    UL_CHECK(ul_plan_new(SOLVE, 3, ops, &p, NULL) == UL_OK, "plan");
    char *data[3] = { (char *)a, (char *)bb, Xb.base };
    int rc = ul_plan_run(p, data, &info);
    UL_CHECK(rc == UL_ESINGULAR && info.nfailed == 1 && info.first_failed == 4 &&
             info.outer_size == 6 && strstr(info.message, "1 of 6 matrices are singular"),
             "broadcast singular: %d %td %td '%s'", rc, info.nfailed, info.first_failed,
             info.message);
    ul_plan_free(p);
    free(Xa.buf); free(Xb.buf);
}

/* ---- errors: the driver's, at plan creation; nothing written at run ---- */

static void expect_same_error(const ul_gufunc *g, int nops, ul_operand *ops,
                              const char *needle)
{
    ul_call_info ia, ib;
    int ra = ul_gufunc_call(g, nops, ops, &ia);
    ul_plan *p = (ul_plan *)&ia;               /* must come back NULL */
    int rb = ul_plan_new(g, nops, ops, &p, &ib);
    UL_CHECK(ra != UL_OK && ra == rb && ib.status == rb && p == NULL &&
             ia.operand == ib.operand && strcmp(ia.message, ib.message) == 0 &&
             strstr(ib.message, needle),
             "driver %d '%s', plan %d '%s' (want '%s')", ra, ia.message, rb,
             ib.message, needle);
}

static void test_errors(void)
{
    double a[18], x[18];
    memset(x, UL_SENTINEL, sizeof x);
    for (int i = 0; i < 18; i++) a[i] = (i % 4) + (i % 3 == 0 ? 5 : 0);
    ptrdiff_t s33[3] = { 2, 3, 3 }, st33[3] = { 72, 24, 8 };
    ptrdiff_t s32[3] = { 2, 3, 2 }, st32[3] = { 48, 16, 8 };
    ptrdiff_t neg[3] = { -2, 3, 3 }, s43[3] = { 4, 3, 3 };
    ul_operand in = { (char *)a, UL_DOUBLE, 3, s33, st33 };
    ul_operand out = { (char *)x, UL_DOUBLE, 3, s33, st33 };
    ul_operand ops[3];
    ops[0] = in; ops[1] = out;
    expect_same_error(NULL, 2, ops, "NULL");
    expect_same_error(INV, 3, ops, "expected 2 operands");
    expect_same_error(INV, 2, NULL, "NULL");
    ops[0].shape = s32; ops[0].strides = st32;
    expect_same_error(INV, 2, ops, "mismatch in its core dimension 1");
    ops[0] = in; ops[0].ndim = 1; ops[0].shape = s33 + 2;
    expect_same_error(INV, 2, ops, "does not have enough dimensions");
    ops[0] = in; ops[0].type = UL_FLOAT;
    expect_same_error(INV, 2, ops, "no loop for types f->d");
    ops[0] = in; ops[0].shape = neg;
    expect_same_error(INV, 2, ops, "negative size");
    ops[0] = in; ops[0].strides = NULL;
    expect_same_error(INV, 2, ops, "NULL strides");
    ops[0] = in; ops[1].shape = s43;
    expect_same_error(INV, 2, ops, "output operand 0 has outer shape (4,)");
    /* the flat entry: the same checks */
    int types[2] = { UL_DOUBLE, UL_INT64 }, ndims[2] = { 3, 3 };
    ptrdiff_t shapes[6] = { 2, 3, 3, 2, 3, 3 }, strides[6] = { 72, 24, 8, 72, 24, 8 };
    ul_call_info info;
    ul_plan *p = (ul_plan *)&info;
    int rc = ul_plan_newv(INV, 2, types, ndims, shapes, strides, &p, &info);
    UL_CHECK(rc == UL_EBADTYPE && p == NULL && strstr(info.message, "d->l"),
             "newv bad type: %d '%s'", rc, info.message);
    ndims[0] = 70;
    rc = ul_plan_newv(INV, 2, types, ndims, shapes, strides, &p, &info);
    UL_CHECK(rc == UL_EINVAL && p == NULL, "newv ndim 70: %d", rc);
    UL_CHECK(ul_plan_new(INV, 2, ops, NULL, NULL) == UL_EINVAL, "NULL out-pointer");

    /* run-time checks: NULL plan, NULL data array, NULL data of an operand
     * with elements (each operand in turn): an error, nothing written */
    ops[0] = in; ops[1] = out;
    UL_CHECK(ul_plan_new(INV, 2, ops, &p, &info) == UL_OK, "plan");
    char *data[2] = { (char *)a, (char *)x };
    UL_CHECK(ul_plan_run(NULL, data, &info) == UL_EINVAL &&
             strstr(info.message, "plan is NULL"), "NULL plan: '%s'", info.message);
    UL_CHECK(ul_plan_run(p, NULL, &info) == UL_EINVAL &&
             strstr(info.message, "data array is NULL"), "NULL data: '%s'", info.message);
    for (int i = 0; i < 2; i++) {
        char *d2[2] = { (char *)a, (char *)x };
        d2[i] = NULL;
        rc = ul_plan_run(p, d2, &info);
        UL_CHECK(rc == UL_EINVAL && info.operand == i &&
                 strstr(info.message, i ? "inv: output operand 0 has a NULL data pointer"
                                        : "inv: input operand 0 has a NULL data pointer"),
                 "NULL data %d: %d '%s'", i, rc, info.message);
        UL_CHECK(ul_plan_run(p, d2, NULL) == UL_EINVAL, "NULL data %d, no info", i);
    }
    int untouched = 1;
    for (size_t b = 0; b < sizeof x; b++)
        untouched &= ((unsigned char *)x)[b] == UL_SENTINEL;
    UL_CHECK(untouched, "output written by a refused run");
    ul_plan_free(p);
    ul_plan_free(NULL);

    /* an empty stack: NULL data is fine, the loop is not called */
    ptrdiff_t s033[3] = { 0, 3, 3 };
    ops[0].shape = s033; ops[1].shape = s033;
    UL_CHECK(ul_plan_new(INV, 2, ops, &p, NULL) == UL_OK, "empty plan");
    char *none[2] = { NULL, NULL };
    UL_CHECK(ul_plan_run(p, none, &info) == UL_OK && info.outer_size == 0, "empty run");
    ul_plan_free(p);
}

/* singular: the driver's status and counts; the caller's FP flags kept */
static void test_singular_flags(void)
{
    double a[2][4][4] = { 0 }, x[2][4][4];
    for (int i = 0; i < 4; i++)
        a[0][i][i] = 2.0;                       /* a[1] = 0: singular */
    ptrdiff_t s[3] = { 2, 4, 4 }, st[3] = { 128, 32, 8 };
    ul_operand ops[2] = { { NULL, UL_DOUBLE, 3, s, st }, { NULL, UL_DOUBLE, 3, s, st } };
    ul_plan *p;
    UL_CHECK(ul_plan_new(INV, 2, ops, &p, NULL) == UL_OK, "plan");
    char *data[2] = { (char *)a, (char *)x };
    ul_call_info info;
    int raised[2] = { 0, FE_DIVBYZERO | FE_INEXACT };
    for (int r = 0; r < 2; r++) {
        feclearexcept(FE_ALL_EXCEPT);
        if (raised[r])
            feraiseexcept(raised[r]);
        int rc = ul_plan_run(p, data, &info);
        int now = fetestexcept(FE_ALL_EXCEPT);
        /* FE_INEXACT may be raised, never cleared (ul_impl.h) */
        UL_CHECK((now & FE_INEXACT) || !(raised[r] & FE_INEXACT), "FE_INEXACT cleared");
        now &= ~FE_INEXACT;
        UL_CHECK(rc == UL_ESINGULAR && info.nfailed == 1 && info.first_failed == 1 &&
                 strstr(info.message, "inv: 1 of 2 matrices are singular"),
                 "singular: %d '%s'", rc, info.message);
        UL_CHECK(now == (raised[r] & ~FE_INEXACT), "FP flags %#x, were %#x", now, raised[r]);
        UL_CHECK(x[0][0][0] == 0.5 && isnan(x[1][2][3]), "outputs %g %g",
                 x[0][0][0], x[1][2][3]);
        UL_CHECK(ul_plan_run(p, data, NULL) == UL_ESINGULAR, "singular, no info");
    }
    /* a regular stack with FE_INVALID already raised: kept, nothing added */
    a[1][0][0] = a[1][1][1] = a[1][2][2] = a[1][3][3] = 4.0;
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_INVALID);
    UL_CHECK(ul_plan_run(p, data, NULL) == UL_OK && x[1][0][0] == 0.25, "regular run");
    UL_CHECK(fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT) == FE_INVALID,
             "FP flags %#x, were FE_INVALID", fetestexcept(FE_ALL_EXCEPT));
    /* after a plan run the loop called directly still follows numpy's
     * protocol: FE_INVALID for a singular matrix, the kernel's
     * divide-by-zero cleared (fetestexcept also sees x87 flags, which the
     * loops leave alone: only these two are tested) */
    memset(a[1], 0, sizeof a[1]);
    feclearexcept(FE_ALL_EXCEPT);
    ptrdiff_t dims[2] = { 2, 4 }, steps[6] = { 128, 128, 32, 8, 32, 8 };
    ul_dinv_loop(data, dims, steps, NULL);
    int fl = fetestexcept(FE_INVALID | FE_DIVBYZERO);
    UL_CHECK(fl == FE_INVALID, "direct loop flags %#x", fl);
    feclearexcept(FE_ALL_EXCEPT);
    ul_plan_free(p);
}

/* the plan's one allocation fails: UL_ENOMEM, no plan */
static int fail_alloc;
static void *failing_malloc(size_t n)
{
    return fail_alloc ? NULL : malloc(n);
}

static void test_enomem(void)
{
    ptrdiff_t s[2] = { 3, 3 }, st[2] = { 24, 8 };
    ul_operand ops[2] = { { NULL, UL_DOUBLE, 2, s, st }, { NULL, UL_DOUBLE, 2, s, st } };
    ul_set_allocator(failing_malloc, free);
    fail_alloc = 1;
    ul_call_info info;
    ul_plan *p = (ul_plan *)&info;
    int rc = ul_plan_new(INV, 2, ops, &p, &info);
    fail_alloc = 0;
    ul_set_allocator(NULL, NULL);
    UL_CHECK(rc == UL_ENOMEM && p == NULL && strstr(info.message, "no memory for the plan"),
             "enomem: %d '%s'", rc, info.message);
}

/* two threads run one plan at once, each on its own data */
typedef struct job {
    const ul_plan *p;
    double a[10][10], x[10][10];
    int bad;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    char *data[2] = { (char *)j->a, (char *)j->x };
    for (int it = 0; it < 2000; it++) {
        memset(j->x, 0, sizeof j->x);
        if (ul_plan_run(j->p, data, NULL) != UL_OK)
            j->bad++;
        /* a = d I, so x = I / d */
        if (fabs(j->x[3][3] - 1.0 / j->a[3][3]) > 1e-15 || j->x[3][4] != 0.0)
            j->bad++;
    }
    return NULL;
}

static void test_threads(void)
{
    ptrdiff_t s[2] = { 10, 10 }, st[2] = { 80, 8 };
    ul_operand ops[2] = { { NULL, UL_DOUBLE, 2, s, st }, { NULL, UL_DOUBLE, 2, s, st } };
    ul_plan *p;
    UL_CHECK(ul_plan_new(INV, 2, ops, &p, NULL) == UL_OK, "plan");
    static job jobs[2];
    pthread_t th[2];
    for (int t = 0; t < 2; t++) {
        jobs[t].p = p;
        memset(jobs[t].a, 0, sizeof jobs[t].a);
        for (int i = 0; i < 10; i++)
            jobs[t].a[i][i] = 2.0 + t;
        pthread_create(&th[t], NULL, worker, &jobs[t]);
    }
    for (int t = 0; t < 2; t++) {
        pthread_join(th[t], NULL);
        UL_CHECK(jobs[t].bad == 0, "thread %d: %d bad runs", t, jobs[t].bad);
    }
    ul_plan_free(p);
}

/* One matrix: the plan runs the loop's small kernel directly (bound at
 * ul_plan_new); same bits as the loop called directly, a singular matrix
 * counted (index 0, output NaN), the kernel's FP flags not left behind. */
static void test_one_matrix(void)
{
    double a[4][4] = { { 4, 1, 0, 2 }, { 1, 5, 1, 0 }, { 0, 2, 6, 1 }, { 1, 0, 1, 3 } };
    double x[4][4], y[4][4], z[4][4] = { { 0 } };
    ptrdiff_t s[2] = { 4, 4 }, st[2] = { 32, 8 };
    ul_operand ops[2] = { { NULL, UL_DOUBLE, 2, s, st }, { NULL, UL_DOUBLE, 2, s, st } };
    ul_plan *p;
    UL_CHECK(ul_plan_new(INV, 2, ops, &p, NULL) == UL_OK, "plan");
    char *data[2] = { (char *)a, (char *)x };
    ul_call_info info;
    feclearexcept(FE_ALL_EXCEPT);
    UL_CHECK(ul_plan_run(p, data, &info) == UL_OK && info.nfailed == 0 &&
             info.first_failed == -1, "regular: '%s'", info.message);
    ptrdiff_t dims[2] = { 1, 4 }, steps[6] = { 0, 0, 32, 8, 32, 8 };
    char *args[2] = { (char *)a, (char *)y };
    ul_dinv_loop(args, dims, steps, NULL);
    UL_CHECK(memcmp(x, y, sizeof x) == 0, "plan and loop differ");
    feclearexcept(FE_ALL_EXCEPT);
    data[0] = (char *)z;
    int rc = ul_plan_run(p, data, &info);
    UL_CHECK(rc == UL_ESINGULAR && info.nfailed == 1 && info.first_failed == 0 &&
             isnan(x[0][0]) && isnan(x[3][3]), "singular: %d %td %td", rc,
             info.nfailed, info.first_failed);
    UL_CHECK(fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT) == 0, "FP flags %#x left",
             fetestexcept(FE_ALL_EXCEPT));
    UL_CHECK(info.outer_size == 1 && strstr(info.message, "inv: 1 of 1 matrices are singular"),
             "singular: outer_size %td '%s'", info.outer_size, info.message);
    /* in place: the input is read first (it overlaps the output) */
    memcpy(z, a, sizeof a);
    data[0] = data[1] = (char *)z;
    UL_CHECK(ul_plan_run(p, data, &info) == UL_OK && memcmp(z, y, sizeof z) == 0,
             "in place differs: '%s'", info.message);
    data[1] = NULL;
    UL_CHECK(ul_plan_run(p, data, &info) == UL_EINVAL && info.operand == 1,
             "NULL output: '%s'", info.message);
    ul_plan_free(p);
}

/* UL_FP_UNTOUCHED: the same results and status; a plan of one matrix
 * leaves the flags its arithmetic raised (a singular 4x4: the kernel's
 * 1/0 before LAPACK takes it) and clears none of the caller's */
static void test_fp_untouched(void)
{
    double a[4][4] = { { 0 } }, x[4][4], y[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            a[i][j] = (i == j ? 4 : 0) + 1.0 / (1 + i + 2 * j);
    ptrdiff_t s[2] = { 4, 4 }, st[2] = { 32, 8 };
    ul_operand ops[2] = { { NULL, UL_DOUBLE, 2, s, st }, { NULL, UL_DOUBLE, 2, s, st } };
    ul_plan *p, *q;
    UL_CHECK(ul_plan_new(INV, 2, ops, &p, NULL) == UL_OK &&
             ul_plan_new(INV, 2, ops, &q, NULL) == UL_OK, "plans");
    UL_CHECK(ul_plan_fp_flags(q, UL_FP_UNTOUCHED) == UL_OK, "mode");
    UL_CHECK(ul_plan_fp_flags(q, 2) == UL_EINVAL && ul_plan_fp_flags(q, -1) == UL_EINVAL &&
             ul_plan_fp_flags(NULL, UL_FP_RESTORE) == UL_EINVAL, "bad mode or plan");
    char *dp[2] = { (char *)a, (char *)x }, *dq[2] = { (char *)a, (char *)y };
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_OVERFLOW);
    UL_CHECK(ul_plan_run(p, dp, NULL) == UL_OK && ul_plan_run(q, dq, NULL) == UL_OK &&
             memcmp(x, y, sizeof x) == 0, "modes differ");
    UL_CHECK(fetestexcept(FE_OVERFLOW), "the caller's FE_OVERFLOW cleared");
    memset(a, 0, sizeof a);
    ul_call_info info;
    feclearexcept(FE_ALL_EXCEPT);
    UL_CHECK(ul_plan_run(q, dq, &info) == UL_ESINGULAR && info.nfailed == 1 &&
             isnan(y[0][0]), "singular, untouched: %s", info.message);
    UL_CHECK(fetestexcept(FE_DIVBYZERO), "untouched: the kernel's FE_DIVBYZERO restored away");
    feclearexcept(FE_ALL_EXCEPT);
    UL_CHECK(ul_plan_run(p, dp, NULL) == UL_ESINGULAR && !fetestexcept(FE_DIVBYZERO),
             "restore: FE_DIVBYZERO left");
    feclearexcept(FE_ALL_EXCEPT);
    ul_plan_free(p);
    ul_plan_free(q);
}

int main(void)
{
    INV = ul_test_gufunc("inv");
    SOLVE = ul_test_gufunc("solve");
    DET = ul_test_gufunc("det");
    test_layouts();
    test_broadcast();
    test_errors();
    test_singular_flags();
    test_one_matrix();
    test_fp_untouched();
    test_enomem();
    test_threads();
    return ul_test_done("test_plan");
}
