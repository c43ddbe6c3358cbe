/* Undoes ul_types.h so the next dtype can be instantiated. */
#undef UL_T
#undef UL_R
#undef UL_COMPLEX
#undef UL_CH
#undef UL_CH_IS_s
#undef UL_CH_IS_d
#undef UL_CH_IS_c
#undef UL_CH_IS_z
