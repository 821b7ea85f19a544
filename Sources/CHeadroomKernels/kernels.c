// Headroom's hot SIMD kernels with run-time dispatch. GPL-3.0-or-later.
//
// The polyphase peak kernel is vectorized across positions: one vector holds 8 (AVX2) or 16 (AVX-512)
// consecutive output positions of one phase, so each loaded window of samples serves every phase, and the
// max over phases is an element-wise max (no horizontal reductions). Positions left over at the end of a
// call go through the portable loop.
#include "headroom_kernels.h"
#include <math.h>

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

// Up to 8 phase accumulators; phases beyond `phases` are never touched. Taps split in two halves for
// 4 phases or fewer, so at least 8 multiply-add chains run side by side (FMA latency 4, two per cycle).
__attribute__((target("avx2,fma")))
static long peaks_avx2(const float *h, int phases, int taps, const float *s, long count, float *out) {
    const __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    long n = 0;
    for (; n + 8 <= count; n += 8) {
        const float *x = s + n;
        __m256 a[8], b[8];
        for (int p = 0; p < 8; p++) { a[p] = _mm256_setzero_ps(); b[p] = _mm256_setzero_ps(); }
        if (phases == 8) {
            for (int j = 0; j < taps; j++) {
                const __m256 v = _mm256_loadu_ps(x + j);
                for (int p = 0; p < 8; p++) a[p] = _mm256_fmadd_ps(_mm256_broadcast_ss(h + p * taps + j), v, a[p]);
            }
        } else {
            const int half = taps / 2;
            for (int j = 0; j < half; j++) {
                const __m256 v = _mm256_loadu_ps(x + j), w = _mm256_loadu_ps(x + j + half);
                for (int p = 0; p < phases; p++) {
                    a[p] = _mm256_fmadd_ps(_mm256_broadcast_ss(h + p * taps + j), v, a[p]);
                    b[p] = _mm256_fmadd_ps(_mm256_broadcast_ss(h + p * taps + j + half), w, b[p]);
                }
            }
            for (int j = 2 * half; j < taps; j++) {
                const __m256 v = _mm256_loadu_ps(x + j);
                for (int p = 0; p < phases; p++) a[p] = _mm256_fmadd_ps(_mm256_broadcast_ss(h + p * taps + j), v, a[p]);
            }
        }
        __m256 m = _mm256_setzero_ps();
        for (int p = 0; p < phases; p++) m = _mm256_max_ps(m, _mm256_and_ps(_mm256_add_ps(a[p], b[p]), absMask));
        _mm256_storeu_ps(out + n, m);
    }
    return n;
}

__attribute__((target("avx512f")))
static long peaks_avx512(const float *h, int phases, int taps, const float *s, long count, float *out) {
    long n = 0;
    for (; n + 16 <= count; n += 16) {
        const float *x = s + n;
        __m512 a[8], b[8];
        for (int p = 0; p < 8; p++) { a[p] = _mm512_setzero_ps(); b[p] = _mm512_setzero_ps(); }
        if (phases == 8) {
            for (int j = 0; j < taps; j++) {
                const __m512 v = _mm512_loadu_ps(x + j);
                for (int p = 0; p < 8; p++) a[p] = _mm512_fmadd_ps(_mm512_set1_ps(h[p * taps + j]), v, a[p]);
            }
        } else {
            const int half = taps / 2;
            for (int j = 0; j < half; j++) {
                const __m512 v = _mm512_loadu_ps(x + j), w = _mm512_loadu_ps(x + j + half);
                for (int p = 0; p < phases; p++) {
                    a[p] = _mm512_fmadd_ps(_mm512_set1_ps(h[p * taps + j]), v, a[p]);
                    b[p] = _mm512_fmadd_ps(_mm512_set1_ps(h[p * taps + j + half]), w, b[p]);
                }
            }
            for (int j = 2 * half; j < taps; j++) {
                const __m512 v = _mm512_loadu_ps(x + j);
                for (int p = 0; p < phases; p++) a[p] = _mm512_fmadd_ps(_mm512_set1_ps(h[p * taps + j]), v, a[p]);
            }
        }
        __m512 m = _mm512_setzero_ps();
        for (int p = 0; p < phases; p++) m = _mm512_max_ps(m, _mm512_abs_ps(_mm512_add_ps(a[p], b[p])));
        _mm512_storeu_ps(out + n, m);
    }
    return n;
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
