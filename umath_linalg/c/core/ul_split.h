/*
 * ul_split.h - what a kernel may know of the call a chunk belongs to when
 * ul_threads_run (ul_threads.c) shares one call among threads: the
 * matrices of the whole call, for a choice that depends on the call's
 * size rather than the chunk's (cholesky_lo's non-temporal stores,
 * c/small/ul_kern_chol.tmpl.h). Apart from ul_impl.h, which every file
 * includes.
 */
#ifndef UL_SPLIT_H
#define UL_SPLIT_H
#include <stddef.h>

/* Set by each thread while it runs chunks of a shared call, else 0. */
__attribute__((visibility("hidden"))) extern _Thread_local ptrdiff_t ul_split_whole;

#endif
