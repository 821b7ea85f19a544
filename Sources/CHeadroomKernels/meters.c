// The analysis' fused filter loop: the loudness meter's K-weighting (shelf, then high-pass) and the stereo
// meter's low band (two low-passes), both channels, with their sums. GPL-3.0-or-later.
//
// Bit for bit the Swift loop it replaces (`LoudnessMeter.add(left:right:to:and:)`): every lane runs the same
// double-precision operations in the same order, and nothing is contracted into a fused multiply-add. The
// vector version holds four biquads in one AVX register, [shelf L, shelf R, low1 L, low1 R] and
// [high-pass L, high-pass R, low2 L, low2 R], the second row one frame behind the first, so a frame costs
// two vector biquads instead of four pairs.
#include "headroom_kernels.h"

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

// One biquad lane, transposed direct form II, as `StereoBiquad.process` computes it.
static inline double biquad(const double *c, double *z1, double *z2, double x) {
    double y = c[0] * x + *z1;
    *z1 = c[1] * x - c[3] * y + *z2;
    *z2 = c[2] * x - c[4] * y;
    return y;
}

static void fused_portable(const float *left, const float *right, long n, const double *c1, const double *c2,
                           double *z1, double *z2, double *w1, double *w2, double *sums) {
    for (long i = 0; i < n; i++) {
        const double xl = left[i], xr = right[i];
        // The loudness meter: shelf, high-pass; energies and the mono fold.
        const double sl = biquad(c1 + 0, &z1[0], &z2[0], xl), sr = biquad(c1 + 5, &z1[1], &z2[1], xr);
        const double hl = biquad(c2 + 0, &w1[0], &w2[0], sl), hr = biquad(c2 + 5, &w1[1], &w2[1], sr);
        sums[0] = hl * hl + sums[0];
        sums[1] = hr * hr + sums[1];
        const double m = hl + hr;
        sums[2] += m * m;
        // The stereo meter: squares and product of the input, then of its low band.
        sums[3] = xl * xl + sums[3];
        sums[4] = xr * xr + sums[4];
        sums[5] += xl * xr;
        const double al = biquad(c1 + 10, &z1[2], &z2[2], xl), ar = biquad(c1 + 15, &z1[3], &z2[3], xr);
        const double bl = biquad(c2 + 10, &w1[2], &w2[2], al), br = biquad(c2 + 15, &w1[3], &w2[3], ar);
        sums[6] = bl * bl + sums[6];
        sums[7] = br * br + sums[7];
        sums[8] += bl * br;
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx")))
static void fused_avx(const float *left, const float *right, long n, const double *c1, const double *c2,
                      double *z1, double *z2, double *w1, double *w2, double *sums) {
    if (n <= 0) return;
    // Coefficients per lane: row 1 [shelf L, shelf R, low1 L, low1 R], row 2 [hp L, hp R, low2 L, low2 R].
    const __m256d b0 = _mm256_setr_pd(c1[0], c1[5], c1[10], c1[15]), b1 = _mm256_setr_pd(c1[1], c1[6], c1[11], c1[16]);
    const __m256d b2 = _mm256_setr_pd(c1[2], c1[7], c1[12], c1[17]), a1 = _mm256_setr_pd(c1[3], c1[8], c1[13], c1[18]);
    const __m256d a2 = _mm256_setr_pd(c1[4], c1[9], c1[14], c1[19]);
    const __m256d d0 = _mm256_setr_pd(c2[0], c2[5], c2[10], c2[15]), d1 = _mm256_setr_pd(c2[1], c2[6], c2[11], c2[16]);
    const __m256d d2 = _mm256_setr_pd(c2[2], c2[7], c2[12], c2[17]), e1 = _mm256_setr_pd(c2[3], c2[8], c2[13], c2[18]);
    const __m256d e2 = _mm256_setr_pd(c2[4], c2[9], c2[14], c2[19]);
    __m256d s1 = _mm256_loadu_pd(z1), s2 = _mm256_loadu_pd(z2), t1 = _mm256_loadu_pd(w1), t2 = _mm256_loadu_pd(w2);
    // Accumulators: [energy L, energy R, low L², low R²]; [mono, -, low L·R, -]; [x L², x R², L·R, -].
    __m256d energy = _mm256_setr_pd(sums[0], sums[1], sums[6], sums[7]);
    __m256d cross = _mm256_setr_pd(sums[2], 0, sums[8], 0);
    __m256d input = _mm256_setr_pd(sums[3], sums[4], sums[5], 0);
    __m256d previous = _mm256_setzero_pd();  // row 1's output of the frame before
    for (long i = 0; i <= n; i++) {
        __m256d next = previous;
        if (i < n) {
            const __m256d x = _mm256_setr_pd(left[i], right[i], left[i], right[i]);
            const __m256d y = _mm256_add_pd(_mm256_mul_pd(b0, x), s1);
            s1 = _mm256_add_pd(_mm256_sub_pd(_mm256_mul_pd(b1, x), _mm256_mul_pd(a1, y)), s2);
            s2 = _mm256_sub_pd(_mm256_mul_pd(b2, x), _mm256_mul_pd(a2, y));
            next = y;
            // x², and L·R in lane 2: [xL·xL, xR·xR, xL·xR, ·].
            const __m256d swapped = _mm256_permute_pd(x, 0x5);  // [xR, xL, xR, xL]
            const __m256d squares = _mm256_blend_pd(_mm256_mul_pd(x, x), _mm256_mul_pd(x, swapped), 0xC);
            input = _mm256_add_pd(squares, input);
        }
        if (i > 0) {
            const __m256d y = _mm256_add_pd(_mm256_mul_pd(d0, previous), t1);
            t1 = _mm256_add_pd(_mm256_sub_pd(_mm256_mul_pd(d1, previous), _mm256_mul_pd(e1, y)), t2);
            t2 = _mm256_sub_pd(_mm256_mul_pd(d2, previous), _mm256_mul_pd(e2, y));
            energy = _mm256_add_pd(_mm256_mul_pd(y, y), energy);
            const __m256d swapped = _mm256_permute_pd(y, 0x5);  // [hR, hL, bR, bL]
            const __m256d m = _mm256_add_pd(y, swapped);          // [hL + hR, ·, bL + bR, ·]
            const __m256d products = _mm256_blend_pd(_mm256_mul_pd(m, m), _mm256_mul_pd(y, swapped), 0xC);
            cross = _mm256_add_pd(cross, products);
        }
        previous = next;
    }
    _mm256_storeu_pd(z1, s1); _mm256_storeu_pd(z2, s2); _mm256_storeu_pd(w1, t1); _mm256_storeu_pd(w2, t2);
    double e[4], c[4], in[4];
    _mm256_storeu_pd(e, energy); _mm256_storeu_pd(c, cross); _mm256_storeu_pd(in, input);
    sums[0] = e[0]; sums[1] = e[1]; sums[6] = e[2]; sums[7] = e[3];
    sums[2] = c[0]; sums[8] = c[2];
    sums[3] = in[0]; sums[4] = in[1]; sums[5] = in[2];
}
#endif

void headroom_fused_meters(int level, const float *left, const float *right, long n, const double *c1, const double *c2,
                           double *z1, double *z2, double *w1, double *w2, double *sums) {
    if (level > headroom_kernels_level()) level = headroom_kernels_level();
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (level >= 1) { fused_avx(left, right, n, c1, c2, z1, z2, w1, w2, sums); return; }
#endif
    fused_portable(left, right, n, c1, c2, z1, z2, w1, w2, sums);
}
