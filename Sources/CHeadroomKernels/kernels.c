// Headroom's hot SIMD kernels with run-time dispatch. GPL-3.0-or-later.
//
// The polyphase peak kernel is vectorized across positions: one vector holds 8 (AVX2) or 16 (AVX-512)
// consecutive output positions of one phase, so each loaded window of samples serves every phase, and the
// max over phases is an element-wise max (no horizontal reductions). Positions left over at the end of a
// call go through the portable loop.
#include "headroom_kernels.h"
#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
uint64_t headroom_denormals_flush(void) {
    const unsigned previous = _mm_getcsr();
    _mm_setcsr(previous | 0x8040);  // FTZ (bit 15) and DAZ (bit 6)
    return previous;
}
void headroom_denormals_restore(uint64_t previous) { _mm_setcsr((unsigned)previous); }
#elif defined(__aarch64__)
uint64_t headroom_denormals_flush(void) {
    uint64_t previous;
    __asm__ volatile("mrs %0, fpcr" : "=r"(previous));
    __asm__ volatile("msr fpcr, %0" : : "r"(previous | (1ull << 24)));  // FZ
    return previous;
}
void headroom_denormals_restore(uint64_t previous) { __asm__ volatile("msr fpcr, %0" : : "r"(previous)); }
#else
uint64_t headroom_denormals_flush(void) { return 0; }
void headroom_denormals_restore(uint64_t previous) { (void)previous; }
#endif

static void peaks_portable(const float *h, int phases, int taps, const float *s, long count, float *out) {
    for (long n = 0; n < count; n++) {
        float m = 0;
        for (int p = 0; p < phases; p++) {
            const float *row = h + (long)p * taps;
            float acc = 0;
            for (int j = 0; j < taps; j++) acc += row[j] * s[n + j];
            m = fmaxf(m, fabsf(acc));
        }
        out[n] = m;
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define HEADROOM_X86 1

// Up to 8 phase accumulators. P is a constant at every call site (the wrappers below), so the phase
// loops unroll and the accumulators stay in registers. With 4 phases or fewer the taps are split in two
// halves, so at least 6 multiply-add chains run side by side (FMA latency 4, two per cycle).
#define HEADROOM_KERNEL_BODY(VEC, ZERO, LOAD, SET1, FMADD, ADD, ABS, MAX, STORE, WIDTH)                      \
    long n = 0;                                                                                          \
    for (; n + WIDTH <= count; n += WIDTH) {                                                             \
        const float *x = s + n;                                                                          \
        VEC a[8], b[8];                                                                                  \
        for (int p = 0; p < 8; p++) { a[p] = ZERO; b[p] = ZERO; }                                        \
        if (P > 4) {                                                                                     \
            for (int j = 0; j < taps; j++) {                                                             \
                const VEC v = LOAD(x + j);                                                               \
                for (int p = 0; p < P; p++) a[p] = FMADD(SET1(h[p * taps + j]), v, a[p]);                \
            }                                                                                            \
        } else {                                                                                         \
            const int half = taps / 2;                                                                   \
            for (int j = 0; j < half; j++) {                                                             \
                const VEC v = LOAD(x + j), w = LOAD(x + j + half);                                       \
                for (int p = 0; p < P; p++) {                                                            \
                    a[p] = FMADD(SET1(h[p * taps + j]), v, a[p]);                                        \
                    b[p] = FMADD(SET1(h[p * taps + j + half]), w, b[p]);                                 \
                }                                                                                        \
            }                                                                                            \
            for (int j = 2 * half; j < taps; j++) {                                                      \
                const VEC v = LOAD(x + j);                                                               \
                for (int p = 0; p < P; p++) a[p] = FMADD(SET1(h[p * taps + j]), v, a[p]);                \
            }                                                                                            \
        }                                                                                                \
        VEC m = ZERO;                                                                                    \
        for (int p = 0; p < P; p++) m = MAX(m, ABS(ADD(a[p], b[p])));                                    \
        STORE(out + n, m);                                                                               \
    }                                                                                                    \
    return n;

#define AVX2_ABS(v) _mm256_and_ps((v), _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)))

__attribute__((target("avx2,fma"), always_inline))
static inline long peaks_avx2_p(const float *h, const int P, int taps, const float *s, long count, float *out) {
    HEADROOM_KERNEL_BODY(__m256, _mm256_setzero_ps(), _mm256_loadu_ps, _mm256_set1_ps, _mm256_fmadd_ps,
                         _mm256_add_ps, AVX2_ABS, _mm256_max_ps, _mm256_storeu_ps, 8)
}

__attribute__((target("avx512f"), always_inline))
static inline long peaks_avx512_p(const float *h, const int P, int taps, const float *s, long count, float *out) {
    HEADROOM_KERNEL_BODY(__m512, _mm512_setzero_ps(), _mm512_loadu_ps, _mm512_set1_ps, _mm512_fmadd_ps,
                         _mm512_add_ps, _mm512_abs_ps, _mm512_max_ps, _mm512_storeu_ps, 16)
}

// One instance per phase count in use (3 and 7: 4x and 8x with phase 0 passed as a copy; 4 and 8: all
// phases as taps); other counts go to the portable loop.
__attribute__((target("avx2,fma")))
static long peaks_avx2(const float *h, int phases, int taps, const float *s, long count, float *out) {
    switch (phases) {
    case 3: return peaks_avx2_p(h, 3, taps, s, count, out);
    case 4: return peaks_avx2_p(h, 4, taps, s, count, out);
    case 7: return peaks_avx2_p(h, 7, taps, s, count, out);
    case 8: return peaks_avx2_p(h, 8, taps, s, count, out);
    default: return 0;
    }
}

__attribute__((target("avx512f")))
static long peaks_avx512(const float *h, int phases, int taps, const float *s, long count, float *out) {
    switch (phases) {
    case 3: return peaks_avx512_p(h, 3, taps, s, count, out);
    case 4: return peaks_avx512_p(h, 4, taps, s, count, out);
    case 7: return peaks_avx512_p(h, 7, taps, s, count, out);
    case 8: return peaks_avx512_p(h, 8, taps, s, count, out);
    default: return 0;
    }
}

// 0: portable, 1: AVX2 + FMA, 2: AVX-512F. __builtin_cpu_init is idempotent and cheap.
static int simdLevel(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
    return 0;
}
#else
static int simdLevel(void) { return 0; }
#endif

void headroom_position_peaks(const float *h, int phases, int taps, int sampleOffset, const float *s, long count,
                             float *out) {
    headroom_position_peaks_at_level(simdLevel(), h, phases, taps, sampleOffset, s, count, out);
}

int headroom_kernels_level(void) { return simdLevel(); }

void headroom_position_peaks_at_level(int level, const float *h, int phases, int taps, int sampleOffset,
                                      const float *s, long count, float *out) {
    long done = 0;
    if (phases < 0) phases = 0;
    if (phases > 8) phases = 8;
    if (level > simdLevel()) level = simdLevel();
#ifdef HEADROOM_X86
    switch (level) {
    case 2: done = peaks_avx512(h, phases, taps, s, count, out); break;
    case 1: done = peaks_avx2(h, phases, taps, s, count, out); break;
    default: break;
    }
#endif
    if (done < count) peaks_portable(h, phases, taps, s + done, count - done, out + done);
    if (sampleOffset >= 0) {
        const float *x = s + sampleOffset;
        for (long n = 0; n < count; n++) out[n] = fmaxf(out[n], fabsf(x[n]));
    }
}

const char *headroom_kernels_implementation(void) {
    switch (simdLevel()) {
    case 2: return "avx512";
    case 1: return "avx2-fma";
    default: return "portable";
    }
}

float headroom_abs_max(const float *x, long count) {
    long i = 0;
    float m = 0;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    // SSE2 is part of x86-64: no dispatch needed. Four accumulators hide the max latency.
    const __m128 absMask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    __m128 m0 = _mm_setzero_ps(), m1 = _mm_setzero_ps(), m2 = _mm_setzero_ps(), m3 = _mm_setzero_ps();
    for (; i + 16 <= count; i += 16) {
        m0 = _mm_max_ps(m0, _mm_and_ps(_mm_loadu_ps(x + i), absMask));
        m1 = _mm_max_ps(m1, _mm_and_ps(_mm_loadu_ps(x + i + 4), absMask));
        m2 = _mm_max_ps(m2, _mm_and_ps(_mm_loadu_ps(x + i + 8), absMask));
        m3 = _mm_max_ps(m3, _mm_and_ps(_mm_loadu_ps(x + i + 12), absMask));
    }
    __m128 v = _mm_max_ps(_mm_max_ps(m0, m1), _mm_max_ps(m2, m3));
    v = _mm_max_ps(v, _mm_movehl_ps(v, v));
    v = _mm_max_ss(v, _mm_shuffle_ps(v, v, 1));
    m = _mm_cvtss_f32(v);
#endif
    for (; i < count; i++) m = fmaxf(m, fabsf(x[i]));
    return m;
}

long headroom_deinterleave_checked(const float *src, long frames, int channels, float *const *dst, float limit) {
    const long n = frames * (long)channels;
    // One pass that the compiler vectorizes: every sample within ±limit (a NaN fails the comparison).
    int ok = 1;
    for (long i = 0; i < n; i++) ok &= fabsf(src[i]) <= limit;
    if (!ok) {
        for (long i = 0; i < n; i++) if (!(fabsf(src[i]) <= limit)) return i;
    }
    if (channels == 2) {
        float *l = dst[0], *r = dst[1];
        for (long i = 0; i < frames; i++) { l[i] = src[2 * i]; r[i] = src[2 * i + 1]; }
    } else {
        for (int c = 0; c < channels; c++) {
            float *d = dst[c];
            for (long i = 0; i < frames; i++) d[i] = src[i * channels + c];
        }
    }
    return -1;
}
