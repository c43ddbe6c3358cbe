/* Undoes ul_simd.h's per-dtype names (KS stays: it follows UL_CH). */
#undef VT
#undef VI
#undef KV
#undef KTR
#undef KBLENDV
#undef KMOVMSK
#undef KMAX
#undef KALWAYS
