/*
 * bench_chol.c - the Cholesky kernel's cut-over: ns per matrix of
 * ul_dcholesky_lo_loop (the small-n kernel) against the work of the
 * LAPACK path per matrix (Fortran copy, dpotrf_, zero the upper triangle,
 * copy out: what ul_dpotrf1 does), n = 1..16, random SPD float64, CPU
 * time, best of REPS, the two interleaved. COUNT 1 times 1000 calls of
 * one matrix; COUNT 1000 a stack in cache.
 *   cc -O2 -Iumath_linalg bench/bench_chol.c -o bench/out/bench_chol \
 *      -Lbuild/out/lib -lumath_linalg -Wl,-rpath,$PWD/build/out/lib -lopenblas
 *   UL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 bench/out/bench_chol COUNT REPS
 * Prints: n, kernel ns, LAPACK path ns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include "umath_linalg.h"
void ul_dcholesky_lo_loop(char **, const ptrdiff_t *, const ptrdiff_t *, void *);
void dpotrf_(const char *, const int *, double *, const int *, int *);
static double now(void){struct timespec t;clock_gettime(CLOCK_THREAD_CPUTIME_ID,&t);return t.tv_sec+1e-9*t.tv_nsec;}
static void lap(int n, long N, const double *a, double *o){
  double A[256]; int in=n, info;
  for(long k=0;k<N;k++){ const double *s=a+k*n*n; double *d=o+k*n*n;
    for(int j=0;j<n;j++)for(int i=0;i<n;i++)A[j*n+i]=s[i*n+j];
    dpotrf_("L",&in,A,&in,&info);
    for(int j=0;j<n;j++)for(int i=0;i<j;i++)A[j*n+i]=0;
    for(int j=0;j<n;j++)for(int i=0;i<n;i++)d[i*n+j]=A[j*n+i]; }
}
int main(int argc,char**argv){
  long N=atol(argv[1]); int reps=atoi(argv[2]);
  for(int n=1;n<=16;n++){
  double *a=malloc(sizeof(double)*n*n*N),*o=malloc(sizeof(double)*n*n*N);
  srand(1);
  for(long k=0;k<N;k++){ double b[256]; for(int i=0;i<n*n;i++) b[i]=rand()/(double)RAND_MAX-0.5;
    for(int i=0;i<n;i++)for(int j=0;j<n;j++){double s=i==j?n:0; for(int l=0;l<n;l++) s+=b[i*n+l]*b[j*n+l]; a[k*n*n+i*n+j]=s;}}
  char*args[2]={(char*)a,(char*)o}; ptrdiff_t d[2]={N,n}, st[6]={8*n*n,8*n*n,8*n,8,8*n,8};
  double bk=1e9, bl=1e9; int inner = N == 1 ? 1000 : 1;
  for(int r=0;r<reps;r++){double t=now(); for(int q=0;q<inner;q++) ul_dcholesky_lo_loop(args,d,st,NULL); t=now()-t; if(t<bk)bk=t;
     t=now(); for(int q=0;q<inner;q++) lap(n,N,a,o); t=now()-t; if(t<bl)bl=t;}
  printf("%2d %8.1f %8.1f\n",n,bk/N/inner*1e9,bl/N/inner*1e9);
  free(a); free(o);}
}
