/*
 * ul_alloc.c - the one place the library allocates: every block it takes
 * goes through ul_malloc / ul_free, which call the functions installed by
 * ul_set_allocator (malloc and free by default), so a test can make any
 * allocation fail.
 */
#include "ul_impl.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Atomic so that a change is seen whole by other threads; the header asks
 * callers to change it only while no library call runs. */
static void *(*_Atomic ul_malloc_fn)(size_t) = malloc;
static void (*_Atomic ul_free_fn)(void *) = free;

UL_API int ul_set_allocator(void *(*malloc_fn)(size_t), void (*free_fn)(void *))
{
    if ((malloc_fn == NULL) != (free_fn == NULL))
        return UL_EINVAL;
    atomic_store(&ul_malloc_fn, malloc_fn ? malloc_fn : malloc);
    atomic_store(&ul_free_fn, free_fn ? free_fn : free);
    return UL_OK;
}

UL_HIDDEN void *ul_malloc(size_t n)
{
    return atomic_load_explicit(&ul_malloc_fn, memory_order_relaxed)(n ? n : 1);
}

UL_HIDDEN void *ul_calloc(size_t count, size_t size)
{
    size_t n;
    if (__builtin_mul_overflow(count, size, &n))
        return NULL;
    void *p = ul_malloc(n);
    if (p)
        memset(p, 0, n);
    return p;
}

UL_HIDDEN void ul_free(void *p)
{
    if (p)
        atomic_load_explicit(&ul_free_fn, memory_order_relaxed)(p);
}
