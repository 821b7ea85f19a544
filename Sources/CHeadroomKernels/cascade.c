// The tone EQ's cascade of biquads (transposed direct form II, both channels), over a block. GPL-3.0-or-later.
//
// Bit for bit the Swift loop it replaces (`ToneEQStage.processReference`): every filter runs the same
// double-precision operations in the same order on the same input, and nothing is contracted into a fused
// multiply-add. A cascade is serial per sample, so the vector versions run it as a wavefront: filter f works
// on sample s − f at step s, so one vector holds several filters (both channels each: 4 filters in
// AVX-512, 2 in AVX), each taking the previous filter's output of the step before. A match EQ's 27 filters
// are 7 AVX-512 vectors per step instead of 27 pairs of lanes. The first and last K − 1 steps of a block
// leave the filters without a sample untouched (masked), so a block ends with every filter at its end.
#include "headroom_kernels.h"

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

// One filter, one lane: y = b0 x + z1; z1 = b1 x − a1 y + z2; z2 = b2 x − a2 y (`StereoBiquad.process`).
static inline double tdf2(const double *c, double *z1, double *z2, double x) {
    const double y = c[0] * x + *z1;
    *z1 = c[1] * x - c[3] * y + *z2;
    *z2 = c[2] * x - c[4] * y;
    return y;
}

// The cascade's input at frame i: the two channels (the second 0 for mono), or with `side` the side signal
// of the stereo pair and 0 (`WidthStage`).
static inline void frame_in(int side, const float *left, const float *right, long i, double *l, double *r) {
    if (side) { *l = ((double)left[i] - (double)right[i]) * 0.5; *r = 0; return; }
    *l = left[i];
    *r = right ? right[i] : 0;
}

// The cascade's output at frame i: the two channels, or with `side` the pair rebuilt from its mid (the
// frame's input, not yet overwritten) and the filtered side.
static inline void frame_out(int side, float *left, float *right, long i, double l, double r) {
    if (side) {
        const double mid = ((double)left[i] + (double)right[i]) * 0.5;
        left[i] = (float)(mid + l);
        right[i] = (float)(mid - l);
        return;
    }
    left[i] = (float)l;
    if (right) right[i] = (float)r;
}

static void cascade_portable(const double *coef, int k, double *state, float *left, float *right, long n, int side) {
    for (long i = 0; i < n; i++) {
        double l, r;
        frame_in(side, left, right, i, &l, &r);
        for (int f = 0; f < k; f++) {
            double *s = state + 4 * f;
            l = tdf2(coef + 5 * f, s + 0, s + 2, l);
            r = tdf2(coef + 5 * f, s + 1, s + 3, r);
        }
        frame_out(side, left, right, i, l, r);
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

enum { MAX_GROUPS = 16 };  // up to 64 filters in AVX-512, 32 in AVX; more run the portable loop

// Which lanes of group j (G filters, 2 lanes each) have a sample at step s: filter f = jG + g works on
// sample s − f, which must lie in 0 ..< n (and f < k: the last group's spare lanes never work).
static inline unsigned lanes_active(int j, int G, int k, long s, long n) {
    unsigned bits = 0;
    for (int g = 0; g < G; g++) {
        const long f = (long)j * G + g, at = s - f;
        if (f < k && at >= 0 && at < n) bits |= 3u << (2 * g);
    }
    return bits;
}

__attribute__((target("avx512f")))
static void cascade_avx512(const double *coef, int k, double *state, float *left, float *right, long n, int side) {
    enum { G = 4 };
    const int groups = (k + G - 1) / G;
    __m512d b0[MAX_GROUPS], b1[MAX_GROUPS], b2[MAX_GROUPS], a1[MAX_GROUPS], a2[MAX_GROUPS];
    __m512d z1[MAX_GROUPS], z2[MAX_GROUPS], y[MAX_GROUPS];
    for (int j = 0; j < groups; j++) {
        double c[5][8], s1[8], s2[8];
        for (int lane = 0; lane < 8; lane++) {
            const int f = j * G + lane / 2;
            for (int q = 0; q < 5; q++) c[q][lane] = f < k ? coef[5 * f + q] : 0;
            s1[lane] = f < k ? state[4 * f + lane % 2] : 0;
            s2[lane] = f < k ? state[4 * f + 2 + lane % 2] : 0;
        }
        b0[j] = _mm512_loadu_pd(c[0]); b1[j] = _mm512_loadu_pd(c[1]); b2[j] = _mm512_loadu_pd(c[2]);
        a1[j] = _mm512_loadu_pd(c[3]); a2[j] = _mm512_loadu_pd(c[4]);
        z1[j] = _mm512_loadu_pd(s1); z2[j] = _mm512_loadu_pd(s2);
        y[j] = _mm512_setzero_pd();
    }
    const int last = (k - 1) / G, lane = 2 * ((k - 1) % G);
    const long steps = n + k - 1;
    for (long s = 0; s < steps; s++) {
        const int edge = s < k - 1 || s >= n;
        // Each group's input: the previous group's last filter (or the new sample) and its own filters'
        // outputs of the step before, shifted up a filter.
        double l = 0, r = 0;
        if (s < n) frame_in(side, left, right, s, &l, &r);
        __m512d carry = _mm512_set_pd(r, l, 0, 0, 0, 0, 0, 0);
        for (int j = 0; j < groups; j++) {
            const __m512d x = _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(y[j]), _mm512_castpd_si512(carry), 6));
            carry = y[j];
            const __m512d out = _mm512_add_pd(_mm512_mul_pd(b0[j], x), z1[j]);
            const __m512d n1 = _mm512_add_pd(_mm512_sub_pd(_mm512_mul_pd(b1[j], x), _mm512_mul_pd(a1[j], out)), z2[j]);
            const __m512d n2 = _mm512_sub_pd(_mm512_mul_pd(b2[j], x), _mm512_mul_pd(a2[j], out));
            if (edge) {
                const __mmask8 m = (__mmask8)lanes_active(j, G, k, s, n);
                z1[j] = _mm512_mask_mov_pd(z1[j], m, n1);
                z2[j] = _mm512_mask_mov_pd(z2[j], m, n2);
                y[j] = _mm512_maskz_mov_pd(m, out);
            } else {
                z1[j] = n1; z2[j] = n2; y[j] = out;
            }
        }
        const long at = s - (k - 1);
        if (at >= 0) {
            double o[8];
            _mm512_storeu_pd(o, y[last]);
            frame_out(side, left, right, at, o[lane], o[lane + 1]);
        }
    }
    for (int j = 0; j < groups; j++) {
        double s1[8], s2[8];
        _mm512_storeu_pd(s1, z1[j]); _mm512_storeu_pd(s2, z2[j]);
        for (int lane = 0; lane < 8; lane++) {
            const int f = j * G + lane / 2;
            if (f < k) { state[4 * f + lane % 2] = s1[lane]; state[4 * f + 2 + lane % 2] = s2[lane]; }
        }
    }
}

__attribute__((target("avx")))
static void cascade_avx(const double *coef, int k, double *state, float *left, float *right, long n, int side) {
    enum { G = 2 };
    const int groups = (k + G - 1) / G;
    __m256d b0[2 * MAX_GROUPS], b1[2 * MAX_GROUPS], b2[2 * MAX_GROUPS], a1[2 * MAX_GROUPS], a2[2 * MAX_GROUPS];
    __m256d z1[2 * MAX_GROUPS], z2[2 * MAX_GROUPS], y[2 * MAX_GROUPS];
    for (int j = 0; j < groups; j++) {
        double c[5][4], s1[4], s2[4];
        for (int lane = 0; lane < 4; lane++) {
            const int f = j * G + lane / 2;
            for (int q = 0; q < 5; q++) c[q][lane] = f < k ? coef[5 * f + q] : 0;
            s1[lane] = f < k ? state[4 * f + lane % 2] : 0;
            s2[lane] = f < k ? state[4 * f + 2 + lane % 2] : 0;
        }
        b0[j] = _mm256_loadu_pd(c[0]); b1[j] = _mm256_loadu_pd(c[1]); b2[j] = _mm256_loadu_pd(c[2]);
        a1[j] = _mm256_loadu_pd(c[3]); a2[j] = _mm256_loadu_pd(c[4]);
        z1[j] = _mm256_loadu_pd(s1); z2[j] = _mm256_loadu_pd(s2);
        y[j] = _mm256_setzero_pd();
    }
    const int last = (k - 1) / G, lane = 2 * ((k - 1) % G);
    const long steps = n + k - 1;
    for (long s = 0; s < steps; s++) {
        const int edge = s < k - 1 || s >= n;
        double l = 0, r = 0;
        if (s < n) frame_in(side, left, right, s, &l, &r);
        __m256d carry = _mm256_set_pd(r, l, 0, 0);
        for (int j = 0; j < groups; j++) {
            // [carry's upper pair, own lower pair]
            const __m256d x = _mm256_permute2f128_pd(carry, y[j], 0x21);
            carry = y[j];
            const __m256d out = _mm256_add_pd(_mm256_mul_pd(b0[j], x), z1[j]);
            const __m256d n1 = _mm256_add_pd(_mm256_sub_pd(_mm256_mul_pd(b1[j], x), _mm256_mul_pd(a1[j], out)), z2[j]);
            const __m256d n2 = _mm256_sub_pd(_mm256_mul_pd(b2[j], x), _mm256_mul_pd(a2[j], out));
            if (edge) {
                const unsigned bits = lanes_active(j, G, k, s, n);
                const __m256d m = _mm256_castsi256_pd(_mm256_set_epi64x(bits & 8 ? -1 : 0, bits & 4 ? -1 : 0, bits & 2 ? -1 : 0, bits & 1 ? -1 : 0));
                z1[j] = _mm256_blendv_pd(z1[j], n1, m);
                z2[j] = _mm256_blendv_pd(z2[j], n2, m);
                y[j] = _mm256_and_pd(out, m);
            } else {
                z1[j] = n1; z2[j] = n2; y[j] = out;
            }
        }
        const long at = s - (k - 1);
        if (at >= 0) {
            double o[4];
            _mm256_storeu_pd(o, y[last]);
            frame_out(side, left, right, at, o[lane], o[lane + 1]);
        }
    }
    for (int j = 0; j < groups; j++) {
        double s1[4], s2[4];
        _mm256_storeu_pd(s1, z1[j]); _mm256_storeu_pd(s2, z2[j]);
        for (int lane = 0; lane < 4; lane++) {
            const int f = j * G + lane / 2;
            if (f < k) { state[4 * f + lane % 2] = s1[lane]; state[4 * f + 2 + lane % 2] = s2[lane]; }
        }
    }
}
#define HEADROOM_CASCADE_X86 1
#endif

static void cascade(int level, const double *coef, int k, double *state, float *left, float *right, long n, int side) {
    if (n <= 0 || k <= 0) return;
#ifdef HEADROOM_CASCADE_X86
    if (level >= 2 && k <= 4 * MAX_GROUPS && __builtin_cpu_supports("avx512f")) { cascade_avx512(coef, k, state, left, right, n, side); return; }
    if (level >= 1 && k <= 2 * MAX_GROUPS && __builtin_cpu_supports("avx")) { cascade_avx(coef, k, state, left, right, n, side); return; }
#endif
    cascade_portable(coef, k, state, left, right, n, side);
}

void headroom_biquad_cascade(int level, const double *coef, int k, double *state, float *left, float *right, long n) {
    cascade(level, coef, k, state, left, right, n, 0);
}

void headroom_side_cascade(int level, const double *coef, int k, double *state, float *left, float *right, long n) {
    cascade(level, coef, k, state, left, right, n, 1);
}
