// The analysis' fused filter loop: the loudness meter's K-weighting (shelf, then high-pass) and the stereo
// meter's low band (two low-passes), both channels, with their sums. GPL-3.0-or-later.
//
// Bit for bit the Swift loop it replaces (`LoudnessMeter.add(left:right:to:and:)`): every lane runs the same
// double-precision operations in the same order, and nothing is contracted into a fused multiply-add. The
// vector version holds four biquads in one AVX register, [shelf L, shelf R, low1 L, low1 R] and
// [high-pass L, high-pass R, low2 L, low2 R], the second row one frame behind the first, so a frame costs
// two vector biquads instead of four pairs. The biquads are in direct form I (`MeterBiquad`), whose
// recursion is a multiply and a subtraction long.
#include "headroom_kernels.h"
#include <math.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

// One biquad lane in direct form I, as `MeterBiquad.process` computes it. A row's state `s` holds four
// lanes: x[n-1] at s[lane], x[n-2] at s[4 + lane], y[n-1] at s[8 + lane], y[n-2] at s[12 + lane].
static inline double biquad(const double *c, double *s, int lane, double x) {
    const double f = c[0] * x + c[1] * s[lane] + c[2] * s[4 + lane] - c[4] * s[12 + lane];
    const double y = f - c[3] * s[8 + lane];
    s[4 + lane] = s[lane]; s[lane] = x;
    s[12 + lane] = s[8 + lane]; s[8 + lane] = y;
    return y;
}

static void fused_portable(const float *left, const float *right, long n, const double *c1, const double *c2,
                           double *row1, double *row2, double *sums) {
    for (long i = 0; i < n; i++) {
        const double xl = left[i], xr = right[i];
        // The loudness meter: shelf, high-pass; energies and the mono fold.
        const double sl = biquad(c1 + 0, row1, 0, xl), sr = biquad(c1 + 5, row1, 1, xr);
        const double hl = biquad(c2 + 0, row2, 0, sl), hr = biquad(c2 + 5, row2, 1, sr);
        sums[0] = hl * hl + sums[0];
        sums[1] = hr * hr + sums[1];
        const double m = hl + hr;
        sums[2] += m * m;
        // The stereo meter: squares and product of the input, then of its low band.
        sums[3] = xl * xl + sums[3];
        sums[4] = xr * xr + sums[4];
        sums[5] += xl * xr;
        const double al = biquad(c1 + 10, row1, 2, xl), ar = biquad(c1 + 15, row1, 3, xr);
        const double bl = biquad(c2 + 10, row2, 2, al), br = biquad(c2 + 15, row2, 3, ar);
        sums[6] = bl * bl + sums[6];
        sums[7] = br * br + sums[7];
        sums[8] += bl * br;
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx")))
static void fused_avx(const float *left, const float *right, long n, const double *c1, const double *c2,
                      double *row1, double *row2, double *sums) {
    if (n <= 0) return;
    // Coefficients per lane: row 1 [shelf L, shelf R, low1 L, low1 R], row 2 [hp L, hp R, low2 L, low2 R].
    const __m256d b0 = _mm256_setr_pd(c1[0], c1[5], c1[10], c1[15]), b1 = _mm256_setr_pd(c1[1], c1[6], c1[11], c1[16]);
    const __m256d b2 = _mm256_setr_pd(c1[2], c1[7], c1[12], c1[17]), a1 = _mm256_setr_pd(c1[3], c1[8], c1[13], c1[18]);
    const __m256d a2 = _mm256_setr_pd(c1[4], c1[9], c1[14], c1[19]);
    const __m256d d0 = _mm256_setr_pd(c2[0], c2[5], c2[10], c2[15]), d1 = _mm256_setr_pd(c2[1], c2[6], c2[11], c2[16]);
    const __m256d d2 = _mm256_setr_pd(c2[2], c2[7], c2[12], c2[17]), e1 = _mm256_setr_pd(c2[3], c2[8], c2[13], c2[18]);
    const __m256d e2 = _mm256_setr_pd(c2[4], c2[9], c2[14], c2[19]);
    __m256d x1 = _mm256_loadu_pd(row1), x2 = _mm256_loadu_pd(row1 + 4), y1 = _mm256_loadu_pd(row1 + 8), y2 = _mm256_loadu_pd(row1 + 12);
    __m256d u1 = _mm256_loadu_pd(row2), u2 = _mm256_loadu_pd(row2 + 4), v1 = _mm256_loadu_pd(row2 + 8), v2 = _mm256_loadu_pd(row2 + 12);
    // Accumulators: [energy L, energy R, low L², low R²]; [mono, -, low L·R, -]; [x L², x R², L·R, -].
    __m256d energy = _mm256_setr_pd(sums[0], sums[1], sums[6], sums[7]);
    __m256d cross = _mm256_setr_pd(sums[2], 0, sums[8], 0);
    __m256d input = _mm256_setr_pd(sums[3], sums[4], sums[5], 0);
    __m256d previous = _mm256_setzero_pd();  // row 1's output of the frame before
    for (long i = 0; i <= n; i++) {
        __m256d next = previous;
        if (i < n) {
            const __m256d x = _mm256_setr_pd(left[i], right[i], left[i], right[i]);
            const __m256d f = _mm256_sub_pd(_mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(b0, x), _mm256_mul_pd(b1, x1)),
                                                          _mm256_mul_pd(b2, x2)), _mm256_mul_pd(a2, y2));
            const __m256d y = _mm256_sub_pd(f, _mm256_mul_pd(a1, y1));
            x2 = x1; x1 = x; y2 = y1; y1 = y;
            next = y;
            // x², and L·R in lane 2: [xL·xL, xR·xR, xL·xR, ·].
            const __m256d swapped = _mm256_permute_pd(x, 0x5);  // [xR, xL, xR, xL]
            const __m256d squares = _mm256_blend_pd(_mm256_mul_pd(x, x), _mm256_mul_pd(x, swapped), 0xC);
            input = _mm256_add_pd(squares, input);
        }
        if (i > 0) {
            const __m256d g = _mm256_sub_pd(_mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(d0, previous), _mm256_mul_pd(d1, u1)),
                                                          _mm256_mul_pd(d2, u2)), _mm256_mul_pd(e2, v2));
            const __m256d y = _mm256_sub_pd(g, _mm256_mul_pd(e1, v1));
            u2 = u1; u1 = previous; v2 = v1; v1 = y;
            energy = _mm256_add_pd(_mm256_mul_pd(y, y), energy);
            const __m256d swapped = _mm256_permute_pd(y, 0x5);  // [hR, hL, bR, bL]
            const __m256d m = _mm256_add_pd(y, swapped);          // [hL + hR, ·, bL + bR, ·]
            const __m256d products = _mm256_blend_pd(_mm256_mul_pd(m, m), _mm256_mul_pd(y, swapped), 0xC);
            cross = _mm256_add_pd(cross, products);
        }
        previous = next;
    }
    _mm256_storeu_pd(row1, x1); _mm256_storeu_pd(row1 + 4, x2); _mm256_storeu_pd(row1 + 8, y1); _mm256_storeu_pd(row1 + 12, y2);
    _mm256_storeu_pd(row2, u1); _mm256_storeu_pd(row2 + 4, u2); _mm256_storeu_pd(row2 + 8, v1); _mm256_storeu_pd(row2 + 12, v2);
    double e[4], c[4], in[4];
    _mm256_storeu_pd(e, energy); _mm256_storeu_pd(c, cross); _mm256_storeu_pd(in, input);
    sums[0] = e[0]; sums[1] = e[1]; sums[6] = e[2]; sums[7] = e[3];
    sums[2] = c[0]; sums[8] = c[2];
    sums[3] = in[0]; sums[4] = in[1]; sums[5] = in[2];
}
#endif

void headroom_fused_meters(int level, const float *left, const float *right, long n, const double *c1, const double *c2,
                           double *row1, double *row2, double *sums) {
    if (level > headroom_kernels_level()) level = headroom_kernels_level();
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (level >= 1) { fused_avx(left, right, n, c1, c2, row1, row2, sums); return; }
#endif
    fused_portable(left, right, n, c1, c2, row1, row2, sums);
}

// The loudness meter's own loop (a meter apart from the analysis: the render's passes): the K-weighting
// (shelf, then high-pass, direct form I) on both channels, their energies and the mono fold's. Bit for bit
// `LoudnessMeter`'s Swift steps; SSE2 holds a biquad's two channels (x86-64's baseline: every such CPU).
static void k_weighting_portable(const float *left, const float *right, long n, const double *c, double *s,
                                 double *sums, int fold) {
    double e0 = sums[0], e1 = sums[1], m = sums[2];
    for (long i = 0; i < n; i++) {
        const double xl = left[i], xr = right ? (double)right[i] : 0.0;
        const double sl = biquad(c, s, 0, xl), sr = biquad(c, s, 1, xr);
        const double hl = biquad(c + 5, s + 16, 0, sl), hr = biquad(c + 5, s + 16, 1, sr);
        e0 = hl * hl + e0;
        e1 = hr * hr + e1;
        if (fold) { const double f = hl + hr; m += f * f; }
    }
    sums[0] = e0; sums[1] = e1; sums[2] = m;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <emmintrin.h>

// One direct-form-I biquad on both channels (SSE2 lanes L, R): its coefficients and state, the state read
// from and written back to the layout `biquad` uses (lanes 0 and 1 of a 16-double row).
typedef struct { __m128d b0, b1, b2, a1, a2, x1, x2, y1, y2; } df1_sse2;

static inline df1_sse2 df1_load(const double *c, const double *s) {
    df1_sse2 f = { _mm_set1_pd(c[0]), _mm_set1_pd(c[1]), _mm_set1_pd(c[2]), _mm_set1_pd(c[3]), _mm_set1_pd(c[4]),
                   _mm_loadu_pd(s), _mm_loadu_pd(s + 4), _mm_loadu_pd(s + 8), _mm_loadu_pd(s + 12) };
    return f;
}

static inline __m128d df1_step(df1_sse2 *f, __m128d x) {
    const __m128d g = _mm_sub_pd(_mm_add_pd(_mm_add_pd(_mm_mul_pd(f->b0, x), _mm_mul_pd(f->b1, f->x1)), _mm_mul_pd(f->b2, f->x2)),
                                 _mm_mul_pd(f->a2, f->y2));
    const __m128d y = _mm_sub_pd(g, _mm_mul_pd(f->a1, f->y1));
    f->x2 = f->x1; f->x1 = x; f->y2 = f->y1; f->y1 = y;
    return y;
}

static inline void df1_store(const df1_sse2 *f, double *s) {
    _mm_storeu_pd(s, f->x1); _mm_storeu_pd(s + 4, f->x2); _mm_storeu_pd(s + 8, f->y1); _mm_storeu_pd(s + 12, f->y2);
}

static void k_weighting_sse2(const float *left, const float *right, long n, const double *c, double *s,
                             double *sums, int fold) {
    df1_sse2 shelf = df1_load(c, s), high = df1_load(c + 5, s + 16);
    __m128d energy = _mm_loadu_pd(sums);
    double m = sums[2];
    for (long i = 0; i < n; i++) {
        const __m128d x = _mm_set_pd(right ? (double)right[i] : 0.0, (double)left[i]);
        const __m128d h = df1_step(&high, df1_step(&shelf, x));
        energy = _mm_add_pd(_mm_mul_pd(h, h), energy);
        if (fold) {
            const double f2 = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
            m += f2 * f2;
        }
    }
    df1_store(&shelf, s); df1_store(&high, s + 16);
    _mm_storeu_pd(sums, energy);
    sums[2] = m;
}
#endif

void headroom_k_weighting(int level, const float *left, const float *right, long n, const double *c, double *state,
                          double *sums, int fold) {
    if (level > headroom_kernels_level()) level = headroom_kernels_level();
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (level >= 1) { k_weighting_sse2(left, right, n, c, state, sums, fold); return; }
#endif
    k_weighting_portable(left, right, n, c, state, sums, fold);
}

// The codec check's window finder: both channels through two low-pass sections (direct form I, the signal
// rounded to float between them, as a filtered copy would be), the highest |output| per channel and its
// frame (the first, on a tie). Bit for bit `CodecExcerpt.WindowFinder`'s Swift steps.
static void lowpass_peaks_portable(const float *left, const float *right, long n, const double *c, double *s,
                                   float *peaks, long *at, long base) {
    float pl = peaks[0], pr = peaks[1];
    long al = at[0], ar = at[1];
    for (long i = 0; i < n; i++) {
        const double ol = biquad(c, s, 0, left[i]), orr = biquad(c, s, 1, right[i]);
        const double yl = biquad(c + 5, s + 16, 0, (double)(float)ol), yr = biquad(c + 5, s + 16, 1, (double)(float)orr);
        const float fl = fabsf((float)yl), fr = fabsf((float)yr);
        if (fl > pl) { pl = fl; al = base + i; }
        if (fr > pr) { pr = fr; ar = base + i; }
    }
    peaks[0] = pl; peaks[1] = pr; at[0] = al; at[1] = ar;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
static void lowpass_peaks_sse2(const float *left, const float *right, long n, const double *c, double *s,
                               float *peaks, long *at, long base) {
    df1_sse2 first = df1_load(c, s), second = df1_load(c + 5, s + 16);
    float pl = peaks[0], pr = peaks[1];
    long al = at[0], ar = at[1];
    const __m128 sign = _mm_set1_ps(-0.0f);
    for (long i = 0; i < n; i++) {
        const __m128d x = _mm_set_pd((double)right[i], (double)left[i]);
        const __m128d z = _mm_cvtps_pd(_mm_cvtpd_ps(df1_step(&first, x)));  // rounded to float between the sections
        const __m128 m = _mm_andnot_ps(sign, _mm_cvtpd_ps(df1_step(&second, z)));
        const float fl = _mm_cvtss_f32(m), fr = _mm_cvtss_f32(_mm_shuffle_ps(m, m, 1));
        if (fl > pl) { pl = fl; al = base + i; }
        if (fr > pr) { pr = fr; ar = base + i; }
    }
    df1_store(&first, s); df1_store(&second, s + 16);
    peaks[0] = pl; peaks[1] = pr; at[0] = al; at[1] = ar;
}
#endif

void headroom_lowpass_peaks(int level, const float *left, const float *right, long n, const double *c, double *state,
                            float *peaks, long *at, long base) {
    if (level > headroom_kernels_level()) level = headroom_kernels_level();
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (level >= 1) { lowpass_peaks_sse2(left, right, n, c, state, peaks, at, base); return; }
#endif
    lowpass_peaks_portable(left, right, n, c, state, peaks, at, base);
}
