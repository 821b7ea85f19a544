// TPDF dither and rounding to 16/24-bit integers, bit for bit `Quantizer.quantize` with `TPDFDither`
// (SplitMix64, the two 32-bit halves of each draw as two uniform values). GPL-3.0-or-later.
//
// SplitMix64 is a counter: draw i is mix(state + (i + 1)·γ), so the loop has no recursion and the compiler
// vectorizes it (64-bit multiplies: AVX-512DQ). Nothing is contracted into a fused multiply-add.
#include "headroom_kernels.h"
#include <stdint.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#define GOLDEN 0x9E3779B97F4A7C15ull

static inline uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Swift's min/max on floats, and its rounding (half away from zero by truncating x ± 0.5).
static inline int32_t round_clipped(float v, float lo, float hi) {
    float c = v >= lo ? v : lo;
    c = c < hi ? c : hi;
    return (int32_t)(c + (c >= 0 ? 0.5f : -0.5f));
}

#define QUANTIZE_BODY                                                                                        \
    const float scale = (float)(1 << (bits - 1));                                                            \
    const float hi = (float)((1 << (bits - 1)) - 1), lo = -(float)(1 << (bits - 1));                         \
    const float half = 1.0f / 4294967296.0f;                                                                 \
    if (!state) {                                                                                            \
        for (long i = 0; i < n; i++) out[i] = round_clipped(x[i] * scale, lo, hi);                           \
        return;                                                                                              \
    }                                                                                                        \
    const uint64_t s = *state;                                                                               \
    for (long i = 0; i < n; i++) {                                                                           \
        const uint64_t z = mix(s + (uint64_t)(i + 1) * GOLDEN);                                              \
        const float d = (float)(int32_t)(uint32_t)z * half + (float)(int32_t)(uint32_t)(z >> 32) * half;     \
        out[i] = round_clipped(x[i] * scale + d, lo, hi);                                                    \
    }                                                                                                        \
    *state = s + (uint64_t)n * GOLDEN;

static void quantize_portable(const float *x, long n, int bits, uint64_t *state, int32_t *out) { QUANTIZE_BODY }

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx512f,avx512dq,avx512vl")))
static void quantize_avx512(const float *x, long n, int bits, uint64_t *state, int32_t *out) { QUANTIZE_BODY }
#endif

void headroom_quantize(int level, const float *x, long n, int bits, uint64_t *state, int32_t *out) {
    if (level > headroom_kernels_level()) level = headroom_kernels_level();
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (level >= 2 && __builtin_cpu_supports("avx512dq")) { quantize_avx512(x, n, bits, state, out); return; }
#endif
    quantize_portable(x, n, bits, state, out);
}
