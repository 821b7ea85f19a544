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

enum { MAX_GROUPS = 16 };  // vectors of filters: up to 64 filters in AVX-512, 32 in AVX; more run the portable loop

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

// One instruction set's wavefront: VEC holds W doubles, G = W / 2 filters (both lanes each). Per set:
// shift_in (the previous group's last filter's output, or the new frame, into the first two lanes, the
// group's own outputs up a filter), frame_vec (a frame in the top two lanes), and masked updates.
#define CASCADE_WAVEFRONT(NAME, TARGET, VEC, W, SUFFIX)                                                         \
    __attribute__((target(TARGET)))                                                                             \
    static void NAME(const double *coef, int k, double *state, float *left, float *right, long n, int side) {   \
        enum { G = W / 2 };                                                                                     \
        const int groups = (k + G - 1) / G;                                                                     \
        VEC b0[MAX_GROUPS], b1[MAX_GROUPS], b2[MAX_GROUPS];                                                     \
        VEC a1[MAX_GROUPS], a2[MAX_GROUPS];                                                                     \
        VEC z1[MAX_GROUPS], z2[MAX_GROUPS], y[MAX_GROUPS];                                                      \
        for (int j = 0; j < groups; j++) {                                                                      \
            double c[5][W], s1[W], s2[W];                                                                       \
            for (int lane = 0; lane < W; lane++) {                                                              \
                const int f = j * G + lane / 2;                                                                 \
                for (int q = 0; q < 5; q++) c[q][lane] = f < k ? coef[5 * f + q] : 0;                           \
                s1[lane] = f < k ? state[4 * f + lane % 2] : 0;                                                 \
                s2[lane] = f < k ? state[4 * f + 2 + lane % 2] : 0;                                             \
            }                                                                                                   \
            b0[j] = load_##SUFFIX(c[0]); b1[j] = load_##SUFFIX(c[1]); b2[j] = load_##SUFFIX(c[2]);              \
            a1[j] = load_##SUFFIX(c[3]); a2[j] = load_##SUFFIX(c[4]);                                           \
            z1[j] = load_##SUFFIX(s1); z2[j] = load_##SUFFIX(s2);                                               \
            y[j] = zero_##SUFFIX();                                                                             \
        }                                                                                                       \
        const int last = (k - 1) / G, lane = 2 * ((k - 1) % G);                                                 \
        const long steps = n + k - 1;                                                                           \
        for (long s = 0; s < steps; s++) {                                                                      \
            const int edge = s < k - 1 || s >= n;                                                               \
            double l = 0, r = 0;                                                                                \
            if (s < n) frame_in(side, left, right, s, &l, &r);                                                  \
            VEC carry = frame_##SUFFIX(l, r);                                                                   \
            for (int j = 0; j < groups; j++) {                                                                  \
                const VEC x = shift_in_##SUFFIX(y[j], carry);                                                   \
                carry = y[j];                                                                                   \
                const VEC out = add_##SUFFIX(mul_##SUFFIX(b0[j], x), z1[j]);                                    \
                const VEC n1 = add_##SUFFIX(sub_##SUFFIX(mul_##SUFFIX(b1[j], x), mul_##SUFFIX(a1[j], out)), z2[j]); \
                const VEC n2 = sub_##SUFFIX(mul_##SUFFIX(b2[j], x), mul_##SUFFIX(a2[j], out));                  \
                if (edge) {                                                                                     \
                    const unsigned bits = lanes_active(j, G, k, s, n);                                          \
                    z1[j] = keep_##SUFFIX(z1[j], n1, bits);                                                     \
                    z2[j] = keep_##SUFFIX(z2[j], n2, bits);                                                     \
                    y[j] = keep_##SUFFIX(zero_##SUFFIX(), out, bits);                                           \
                } else {                                                                                        \
                    z1[j] = n1; z2[j] = n2; y[j] = out;                                                         \
                }                                                                                               \
            }                                                                                                   \
            const long at = s - (k - 1);                                                                        \
            if (at >= 0) {                                                                                      \
                double o[W];                                                                                    \
                store_##SUFFIX(o, y[last]);                                                                     \
                frame_out(side, left, right, at, o[lane], o[lane + 1]);                                         \
            }                                                                                                   \
        }                                                                                                       \
        for (int j = 0; j < groups; j++) {                                                                      \
            double s1[W], s2[W];                                                                                \
            store_##SUFFIX(s1, z1[j]); store_##SUFFIX(s2, z2[j]);                                               \
            for (int lane = 0; lane < W; lane++) {                                                              \
                const int f = j * G + lane / 2;                                                                 \
                if (f < k) { state[4 * f + lane % 2] = s1[lane]; state[4 * f + 2 + lane % 2] = s2[lane]; }      \
            }                                                                                                   \
        }                                                                                                       \
    }

#define AVX512 __attribute__((target("avx512f"), always_inline)) static inline
AVX512 __m512d load_512(const double *p) { return _mm512_loadu_pd(p); }
AVX512 void store_512(double *p, __m512d v) { _mm512_storeu_pd(p, v); }
AVX512 __m512d zero_512(void) { return _mm512_setzero_pd(); }
AVX512 __m512d mul_512(__m512d a, __m512d b) { return _mm512_mul_pd(a, b); }
AVX512 __m512d add_512(__m512d a, __m512d b) { return _mm512_add_pd(a, b); }
AVX512 __m512d sub_512(__m512d a, __m512d b) { return _mm512_sub_pd(a, b); }
AVX512 __m512d frame_512(double l, double r) { return _mm512_set_pd(r, l, 0, 0, 0, 0, 0, 0); }
// [carry's top pair, own lanes 0–5]
AVX512 __m512d shift_in_512(__m512d own, __m512d carry) {
    return _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(own), _mm512_castpd_si512(carry), 6));
}
AVX512 __m512d keep_512(__m512d old, __m512d v, unsigned bits) { return _mm512_mask_mov_pd(old, (__mmask8)bits, v); }
CASCADE_WAVEFRONT(cascade_avx512, "avx512f", __m512d, 8, 512)

#define AVX __attribute__((target("avx"), always_inline)) static inline
AVX __m256d load_256(const double *p) { return _mm256_loadu_pd(p); }
AVX void store_256(double *p, __m256d v) { _mm256_storeu_pd(p, v); }
AVX __m256d zero_256(void) { return _mm256_setzero_pd(); }
AVX __m256d mul_256(__m256d a, __m256d b) { return _mm256_mul_pd(a, b); }
AVX __m256d add_256(__m256d a, __m256d b) { return _mm256_add_pd(a, b); }
AVX __m256d sub_256(__m256d a, __m256d b) { return _mm256_sub_pd(a, b); }
AVX __m256d frame_256(double l, double r) { return _mm256_set_pd(r, l, 0, 0); }
// [carry's upper pair, own lower pair]
AVX __m256d shift_in_256(__m256d own, __m256d carry) { return _mm256_permute2f128_pd(carry, own, 0x21); }
AVX __m256d keep_256(__m256d old, __m256d v, unsigned bits) {
    const __m256i m = _mm256_set_epi64x(bits & 8 ? -1 : 0, bits & 4 ? -1 : 0, bits & 2 ? -1 : 0, bits & 1 ? -1 : 0);
    return _mm256_blendv_pd(old, v, _mm256_castsi256_pd(m));
}
CASCADE_WAVEFRONT(cascade_avx, "avx", __m256d, 4, 256)
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
