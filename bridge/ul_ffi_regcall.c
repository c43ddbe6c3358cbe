/*
 * ul_ffi_regcall.c - element-wise loops that call any described scalar
 * function directly, without ffi_call, on x86-64 System V.
 *
 * libffi's ffi_call classifies every argument again on each call (26 ns
 * per call to an empty function on the reference machine, libffi 3.4.4);
 * libffi 3.7's ffi_call_plan exists to avoid that. For the scalar types
 * frompyfunc supports, the SysV classification is simple and fixed: bool,
 * int32, int64 and pointers are INTEGER (one of rdi rsi rdx rcx r8 r9),
 * float, double and float complex take the low bits of one SSE register,
 * double complex takes two consecutive SSE registers; results come back in
 * rax (integers) or xmm0 (and xmm1 for double complex). So when a function
 * needs at most 6 integer and 8 SSE registers (no stack arguments), the
 * classification is done once here (ul_ffi_regcall_plan) and each element
 * calls the function through one fixed prototype, (6 x int64_t, 8 x
 * __m128d), with every register loaded as the callee reads it (integers
 * zero/sign-extended to 64 bits, unused registers zero). Other targets, or
 * functions needing stack arguments, use libffi (ul_ffi.c).
 */
#include "ul_ffi.h"

#include <string.h>

#if defined(__x86_64__) && !defined(_WIN32) && !defined(__ILP32__)
#include <emmintrin.h>

typedef int64_t (*rc_int_fn)(int64_t, int64_t, int64_t, int64_t, int64_t,
                             int64_t, __m128d, __m128d, __m128d, __m128d,
                             __m128d, __m128d, __m128d, __m128d);
typedef __m128d (*rc_sse_fn)(int64_t, int64_t, int64_t, int64_t, int64_t,
                             int64_t, __m128d, __m128d, __m128d, __m128d,
                             __m128d, __m128d, __m128d, __m128d);
typedef double _Complex (*rc_z_fn)(int64_t, int64_t, int64_t, int64_t,
                                   int64_t, int64_t, __m128d, __m128d,
                                   __m128d, __m128d, __m128d, __m128d,
                                   __m128d, __m128d);
typedef void (*rc_void_fn)(int64_t, int64_t, int64_t, int64_t, int64_t,
                           int64_t, __m128d, __m128d, __m128d, __m128d,
                           __m128d, __m128d, __m128d, __m128d);

/* Plans the registers of f's arguments; 0 if a stack argument would be
   needed (the caller then keeps the libffi loop). */
UL_HIDDEN int ul_ffi_regcall_plan(ul_ffi_fn *f, int nin, int nargs,
                                  int stack_inputs)
{
    int ni = 0, nx = 0;
    const int npass = stack_inputs ? nargs : nin;
    for (int i = 0; i < npass; i++) {
        char c = i < nin ? f->codes[i] : 'p';   /* outputs: pointers */
        if (c == '?' || c == 'i' || c == 'q' || c == 'p') {
            if (ni == 6)
                return 0;
            f->rc_slot[i] = ni++;
        } else {
            int need = c == 'D' ? 2 : 1;
            if (nx + need > 8)
                return 0;
            f->rc_slot[i] = nx;
            nx += need;
        }
    }
    return 1;
}

/* Loads one element of letter c at p into its register image. */
static inline void load_arg(char c, const char *p, int slot, int64_t *r,
                            __m128d *x)
{
    switch (c) {
    case '?': { unsigned char v; memcpy(&v, p, 1); r[slot] = v; break; }
    case 'i': { int32_t v; memcpy(&v, p, 4); r[slot] = v; break; }
    case 'q': { int64_t v; memcpy(&v, p, 8); r[slot] = v; break; }
    case 'f': { float v; memcpy(&v, p, 4);
                x[slot] = _mm_castps_pd(_mm_set_ss(v)); break; }
    case 'd': case 'F': { double v; memcpy(&v, p, 8);
                          x[slot] = _mm_set_sd(v); break; }
    case 'D': { double v[2]; memcpy(v, p, 16);
                x[slot] = _mm_set_sd(v[0]);
                x[slot + 1] = _mm_set_sd(v[1]); break; }
    default: break;
    }
}

#define RC_ARGS r[0], r[1], r[2], r[3], r[4], r[5], \
                x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]

/* The loop: data is the ul_ffi_fn (planned by ul_ffi_regcall_plan). */
UL_HIDDEN void ul_ffi_regcall_loop(char **args, const ptrdiff_t *dimensions,
                                   const ptrdiff_t *steps, void *data)
{
    ul_ffi_fn *f = data;
    const ul_ffi_handle *h = f->owner;
    const ptrdiff_t n = dimensions[0];
    const int nin = h->nin, nargs = h->nargs;
    const char out = f->codes[nin];
    char *p[UL_FFI_MAXARGS];
    int64_t r[6] = { 0 };
    __m128d x[8];
    _Alignas(16) unsigned char slot[UL_FFI_MAXARGS][16];

    ul_ffi_enter(f);
    for (int k = 0; k < 8; k++)
        x[k] = _mm_setzero_pd();
    for (int i = 0; i < nargs; i++)
        p[i] = args[i];
    for (ptrdiff_t k = 0; k < n; k++) {
        for (int i = 0; i < nin; i++)
            load_arg(f->codes[i], p[i], f->rc_slot[i], r, x);
        if (h->stack_inputs) {
            /* f gets a typed pointer: an aligned slot holding the element,
             * copied back after (the operand may sit at any address) */
            for (int j = nin; j < nargs; j++) {
                memcpy(&slot[j], p[j], f->elsize[j]);
                r[f->rc_slot[j]] = (int64_t)(intptr_t)&slot[j];
            }
            ((rc_void_fn)f->fn)(RC_ARGS);
            for (int j = nin; j < nargs; j++)
                memcpy(p[j], &slot[j], f->elsize[j]);
        } else if (out == '?' || out == 'i' || out == 'q') {
            int64_t v = ((rc_int_fn)f->fn)(RC_ARGS);
            if (out == '?') {
                _Bool b = (v & 0xff) != 0;
                memcpy(p[nin], &b, 1);
            } else if (out == 'i') {
                int32_t w = (int32_t)v;
                memcpy(p[nin], &w, 4);
            } else {
                memcpy(p[nin], &v, 8);
            }
        } else if (out == 'D') {
            double _Complex v = ((rc_z_fn)f->fn)(RC_ARGS);
            memcpy(p[nin], &v, 16);
        } else {
            __m128d v = ((rc_sse_fn)f->fn)(RC_ARGS);
            if (out == 'f') {
                float w = _mm_cvtss_f32(_mm_castpd_ps(v));
                memcpy(p[nin], &w, 4);
            } else {                    /* 'd', or 'F' as its 8 bytes */
                double w = _mm_cvtsd_f64(v);
                memcpy(p[nin], &w, 8);
            }
        }
        for (int i = 0; i < nargs; i++)
            p[i] += steps[i];
    }
    ul_ffi_leave(f);
}

#else   /* no register-class calls on this target: always libffi */

UL_HIDDEN int ul_ffi_regcall_plan(ul_ffi_fn *f, int nin, int nargs,
                                  int stack_inputs)
{
    (void)f; (void)nin; (void)nargs; (void)stack_inputs;
    return 0;
}

UL_HIDDEN void ul_ffi_regcall_loop(char **args, const ptrdiff_t *dimensions,
                                   const ptrdiff_t *steps, void *data)
{
    (void)args; (void)dimensions; (void)steps; (void)data;
}

#endif
