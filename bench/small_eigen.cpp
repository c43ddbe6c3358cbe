// small_eigen.cpp - Eigen 3 inverse timings for bench/bench_small.sh:
// fixed-size Matrix<double, N, N> for n <= 16, dynamic MatrixXd above.
// Prints CSV rows impl,op,n,count,kind,ns_per_matrix like bench_small.c.
#include <Eigen/Dense>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

static double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
static unsigned long long rng = 88172645463325252ull;
static double unif() {
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return ((rng * 2685821657736338717ull) >> 11) * 0x1p-53 - 0.5;
}
static volatile double sink;

template <class M>
static void run(int n, long count, int reps, const char *impl) {
    std::vector<M, Eigen::aligned_allocator<M>> A(count, M(n, n)), X(count, M(n, n));
    for (auto &a : A) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a(i, j) = unif() + (i == j ? n : 0);
    }
    long work = count * (long)n * n * n + 1;
    long iters = 4000000 / work + 1;
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        for (long it = 0; it < iters; it++)
            for (long k = 0; k < count; k++) X[k] = A[k].inverse();
        double t = (now() - t0) / (iters * (double)count);
        if (t < best) best = t;
    }
    sink = X[0](0, 0);
    std::printf("%s,inv,%d,%ld,%s,%.2f\n", impl, n, count, count == 1 ? "single" : "stack", best * 1e9);
}

template <int N>
static void fixed(long count, int reps) { run<Eigen::Matrix<double, N, N>>(N, count, reps, "eigen_fixed"); }

static void one(int n, long count, int reps) {
    switch (n) {
#ifdef SMALL_SHORT   /* --short build: only the sizes the short run uses */
    case 4: fixed<4>(count, reps); break;
    case 10: fixed<10>(count, reps); break;
#else
    case 2: fixed<2>(count, reps); break;
    case 3: fixed<3>(count, reps); break;
    case 4: fixed<4>(count, reps); break;
    case 6: fixed<6>(count, reps); break;
    case 8: fixed<8>(count, reps); break;
    case 10: fixed<10>(count, reps); break;
    case 12: fixed<12>(count, reps); break;
    case 16: fixed<16>(count, reps); break;
#endif
    default: run<Eigen::MatrixXd>(n, count, reps, "eigen_dynamic"); break;
    }
}

int main(int argc, char **argv) {
    bool shrt = argc > 1 && !std::strcmp(argv[1], "--short");
    int reps = shrt ? 3 : 5;
    if (shrt) {
        one(4, 100000, reps); one(10, 1, reps); one(10, 10000, reps);
        return 0;
    }
    const int ns[] = {2, 3, 4, 6, 8, 10, 12, 16, 24, 32, 64, 100};
    for (int n : ns) {
        long stack = n <= 4 ? 100000 : n <= 16 ? 10000 : 1000;
        one(n, 1, reps);
        one(n, stack, reps);
    }
    return 0;
}
