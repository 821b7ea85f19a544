// The soft clipper's block loop (`SoftClipStage`): interpolate 4x, bend what passes the knee, filter the
// bends back down and add them to the delayed input. GPL-3.0-or-later.
//
// Bit for bit the Swift loop it replaces (`SoftClipStage.processReference`): every value is the same
// single-precision multiplications and additions in the same order (nothing is contracted into a fused
// multiply-add), and the same gating (a frame is interpolated only while a loud sample is in the window, a
// bend is filtered back only while one is in the decimator's span). The Swift loop goes frame by frame with
// the four phases in one vector; here each pass runs over the whole block with one vector holding 8 (AVX)
// or 16 (AVX-512) consecutive frames of one phase, and the bends (tanh, rare) in between, frame by frame.
#include "headroom_kernels.h"
#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

enum { PHASES = 4 };

// The curve: identity up to the knee, then a tanh that leaves it with slope 1 and tends to the clip level.
static inline float bend(float u, float knee, float threshold) {
    const float a = fabsf(u);
    if (!(a > knee)) return u;
    const float span = threshold - knee;
    const float out = knee + span * (float)tanh((double)((a - knee) / span));
    return u < 0 ? -out : out;
}

// Frame i's four phases: u[p] = sum_j taps[p*t + j] * h[i + 1 + j], j in order.
static inline void interpolate_frame(const float *taps, int t, const float *h, long i, long n, float *u) {
    for (int p = 0; p < PHASES; p++) {
        float acc = 0;
        for (int j = 0; j < t; j++) acc = taps[p * t + j] * h[i + 1 + j] + acc;
        u[p * n + i] = acc;
    }
}

// Frame i's filtered bends: lane q sums decim[4m + q] times its residual over the decimator's groups m, in
// order; the lanes are then summed in order. Phase q + 1 of step i − t + m for q < 3, phase 0 of the step
// after for q = 3 (the resid arrays hold t earlier steps first).
static inline float decimate_frame(const float *decim, int t, const float *r, long stride, long i) {
    float acc[PHASES] = {0, 0, 0, 0};
    for (int m = 0; m < t; m++) {
        for (int q = 0; q < 3; q++) acc[q] = decim[4 * m + q] * r[(q + 1) * stride + i + m] + acc[q];
        acc[3] = decim[4 * m + 3] * r[i + m + 1] + acc[3];
    }
    return ((acc[0] + acc[1]) + acc[2]) + acc[3];
}

static int any_flag(const unsigned char *f, long count) {
    for (long k = 0; k < count; k++) if (f[k]) return 1;
    return 0;
}

// True when no interpolated value of frames i ..< i + count passes the knee (all of them, hot or not, were
// interpolated: a span with a hot frame is interpolated whole; one without is not read).
static int quiet(const float *u, int channels, long n, long i, long count, const unsigned char *hot, float knee) {
    if (!any_flag(hot + i, count)) return 1;
    int over = 0;  // an integer OR, which vectorizes (a float max would wait on each comparison)
    for (int c = 0; c < channels; c++)
        for (int p = 0; p < PHASES; p++) {
            const float *row = u + ((long)c * PHASES + p) * n + i;
            for (long k = 0; k < count; k++) over |= fabsf(row[k]) > knee;
        }
    return !over;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

// The interpolation and the decimation of frames i0 ..< i0 + WIDTH at once, one vector per phase or lane.
#define SOFTCLIP_VECTOR_BODY(TARGET, VEC, ZERO, LOAD, SET1, MUL, ADD, STORE, WIDTH)                            \
    __attribute__((target(TARGET)))                                                                             \
    static void interpolate_##WIDTH(const float *taps, int t, const float *h, long i0, long n, float *u) {      \
        VEC a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO;                                                         \
        for (int j = 0; j < t; j++) {                                                                           \
            const VEC v = LOAD(h + i0 + 1 + j);                                                                 \
            a0 = ADD(MUL(SET1(taps[j]), v), a0);                                                                \
            a1 = ADD(MUL(SET1(taps[t + j]), v), a1);                                                                \
            a2 = ADD(MUL(SET1(taps[2 * t + j]), v), a2);                                                        \
            a3 = ADD(MUL(SET1(taps[3 * t + j]), v), a3);                                                        \
        }                                                                                                       \
        STORE(u + i0, a0); STORE(u + n + i0, a1); STORE(u + 2 * n + i0, a2); STORE(u + 3 * n + i0, a3);        \
    }                                                                                                           \
    __attribute__((target(TARGET)))                                                                             \
    static void decimate_##WIDTH(const float *decim, int t, const float *r, long stride, long i0, float *out) { \
        VEC a0 = ZERO, a1 = ZERO, a2 = ZERO, a3 = ZERO;                                                         \
        for (int m = 0; m < t; m++) {                                                                           \
            a0 = ADD(MUL(SET1(decim[4 * m]), LOAD(r + stride + i0 + m)), a0);                                   \
            a1 = ADD(MUL(SET1(decim[4 * m + 1]), LOAD(r + 2 * stride + i0 + m)), a1);                           \
            a2 = ADD(MUL(SET1(decim[4 * m + 2]), LOAD(r + 3 * stride + i0 + m)), a2);                           \
            a3 = ADD(MUL(SET1(decim[4 * m + 3]), LOAD(r + i0 + m + 1)), a3);                                    \
        }                                                                                                       \
        STORE(out, ADD(ADD(ADD(a0, a1), a2), a3));                                                              \
    }

SOFTCLIP_VECTOR_BODY("avx", __m256, _mm256_setzero_ps(), _mm256_loadu_ps, _mm256_set1_ps, _mm256_mul_ps, _mm256_add_ps,
                     _mm256_storeu_ps, 8)
SOFTCLIP_VECTOR_BODY("avx512f", __m512, _mm512_setzero_ps(), _mm512_loadu_ps, _mm512_set1_ps, _mm512_mul_ps, _mm512_add_ps,
                     _mm512_storeu_ps, 16)
#define HEADROOM_SOFTCLIP_X86 1
#endif

// The vector width for `level` (1 for the portable loop).
static long width_for(int level) {
#ifdef HEADROOM_SOFTCLIP_X86
    if (level >= 2 && __builtin_cpu_supports("avx512f")) return 16;
    if (level >= 1 && __builtin_cpu_supports("avx")) return 8;
#endif
    (void)level;
    return 1;
}

static void interpolate_span(long width, const float *taps, int t, const float *h, long i0, long n, float *u) {
#ifdef HEADROOM_SOFTCLIP_X86
    if (width == 16) { interpolate_16(taps, t, h, i0, n, u); return; }
    if (width == 8) { interpolate_8(taps, t, h, i0, n, u); return; }
#endif
    for (long i = i0; i < i0 + width; i++) interpolate_frame(taps, t, h, i, n, u);
}

static void decimate_span(long width, const float *decim, int t, const float *r, long stride, long i0, float *out) {
#ifdef HEADROOM_SOFTCLIP_X86
    if (width == 16) { decimate_16(decim, t, r, stride, i0, out); return; }
    if (width == 8) { decimate_8(decim, t, r, stride, i0, out); return; }
#endif
    for (long i = 0; i < width; i++) out[i] = decimate_frame(decim, t, r, stride, i0 + i);
}

void headroom_soft_clip(int level, headroom_soft_clip_state *s, const float *taps, const float *decim, float *left,
                        float *right, long n, float *histories, long historyStride, float *residuals, long stride, float *u,
                        unsigned char *flags) {
    if (n <= 0) return;
    const int t = s->t;
    // Per channel: its samples, its history, its bends (4 phases at `stride`).
    const int channels = right ? 2 : 1;
    float *x[2] = {left, right};
    float *hist[2] = {histories, histories + historyStride};
    float *resid[2] = {residuals, residuals + PHASES * stride};
    const long width = width_for(level);
    unsigned char *hot = flags, *live = flags + n;
    // 1. The block after each channel's history; which frames have a loud sample in their window.
    for (int c = 0; c < channels; c++) memcpy(hist[c] + t, x[c], (size_t)n * sizeof(float));
    int frames = s->hot;
    for (long i = 0; i < n; i++) {
        for (int c = 0; c < channels; c++) if (fabsf(x[c][i]) >= s->trigger) frames = t;
        hot[i] = frames > 0;
        if (frames > 0) frames--;
    }
    s->hot = frames;
    // 2. The four phases of every such frame, a span of frames at a time.
    for (int c = 0; c < channels; c++) {
        float *uc = u + (long)c * PHASES * n;
        long i = 0;
        for (; i + width <= n; i += width) if (any_flag(hot + i, width)) interpolate_span(width, taps, t, hist[c], i, n, uc);
        for (; i < n; i++) if (hot[i]) interpolate_frame(taps, t, hist[c], i, n, uc);
    }
    // 3. The bends (frame by frame where a value passes the knee: tanh, rare), and which frames have one
    // (`live` first holds that, then which frames the decimator runs on).
    long clipped = 0;
    long i = 0;
    for (; i < n; i += width) {
        const long count = i + width <= n ? width : n - i;
        if (count == width && quiet(u, channels, n, i, width, hot, s->knee)) {
            // Every value of the span is at or under the knee: the curve leaves it as it is, no bend.
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < PHASES; p++) memset(resid[c] + p * stride + t + i, 0, (size_t)width * sizeof(float));
            memset(live + i, 0, (size_t)width);
            continue;
        }
        for (long k = i; k < i + count; k++) {
            int any = 0;
            for (int c = 0; c < channels; c++) {
                const float *uc = u + (long)c * PHASES * n;
                for (int p = 0; p < PHASES; p++) {
                    float d = 0;
                    if (hot[k]) {
                        const float v = uc[p * n + k];
                        d = bend(v, s->knee, s->threshold) - v;
                        if (d != 0) { clipped++; any = 1; } else d = 0;
                    }
                    resid[c][p * stride + t + k] = d;
                }
            }
            live[k] = (unsigned char)any;
        }
    }
    s->clipped += clipped;
    frames = s->live;
    for (long k = 0; k < n; k++) {
        if (live[k]) frames = t + 2;
        live[k] = frames > 0;
        if (frames > 0) frames--;
    }
    s->live = frames;
    // 4. The delayed input, plus the filtered bends where they may be non-zero.
    float sums[16];
    for (int c = 0; c < channels; c++) {
        const float *h = hist[c], *r = resid[c];
        float *y = x[c];
        long i = 0;
        for (; i + width <= n; i += width) {
            if (!any_flag(live + i, width)) { for (long k = i; k < i + width; k++) y[k] = h[k]; continue; }
            decimate_span(width, decim, t, r, stride, i, sums);
            for (long k = 0; k < width; k++) y[i + k] = live[i + k] ? h[i + k] + sums[k] : h[i + k];
        }
        for (; i < n; i++) y[i] = live[i] ? h[i] + decimate_frame(decim, t, r, stride, i) : h[i];
    }
    // 5. Keep the last t samples and steps for the next block.
    for (int c = 0; c < channels; c++) {
        memmove(hist[c], hist[c] + n, (size_t)t * sizeof(float));
        for (int p = 0; p < PHASES; p++) memmove(resid[c] + p * stride, resid[c] + p * stride + n, (size_t)t * sizeof(float));
    }
}
