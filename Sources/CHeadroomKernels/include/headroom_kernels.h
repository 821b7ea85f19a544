// Headroom's hot SIMD kernels, in C so that one binary can pick AVX2/FMA or AVX-512 at run time (Swift has
// no per-function target attributes). GPL-3.0-or-later.
#ifndef HEADROOM_KERNELS_H
#define HEADROOM_KERNELS_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Per-position polyphase peaks: out[n] = max over the phases p < `phases` of |sum_j h[p*taps + j] * s[n + j]|,
/// and of |s[n + sampleOffset]| when sampleOffset >= 0 (a phase that is a pure delay, passed this way
/// instead of as a row of taps: 1 operation instead of `taps`).
/// `h` is phase-major; `s` holds count + taps - 1 samples; `phases` is 0 to 8.
void headroom_position_peaks(const float *h, int phases, int taps, int sampleOffset, const float *s, long count,
                             float *out);

/// Flushes denormal numbers to zero on this thread (x86: MXCSR's FTZ and DAZ; arm64: FPCR's FZ) and returns
/// the previous setting for `headroom_denormals_restore`. A recursive filter fed silence decays into
/// denormals, which cost about 100x a normal operation; flushed, the filter reaches zero.
uint64_t headroom_denormals_flush(void);
void headroom_denormals_restore(uint64_t previous);

/// max |x[i]| over `count` samples (0 for none).
float headroom_abs_max(const float *x, long count);

/// The same with a given implementation (0 portable, 1 AVX2/FMA, 2 AVX-512; capped at what the CPU has),
/// for tests and benchmarks.
void headroom_position_peaks_at_level(int level, const float *h, int phases, int taps, int sampleOffset,
                                      const float *s, long count, float *out);

/// The best implementation level this CPU has (0 portable, 1 AVX2/FMA, 2 AVX-512).
int headroom_kernels_level(void);

/// Which implementation `headroom_position_peaks` uses on this CPU: "avx512", "avx2-fma" or "portable".
const char *headroom_kernels_implementation(void);

/// Splits `frames` interleaved frames of `channels` channels into the planar buffers `dst[c]`, after
/// checking that every sample is within ±limit: returns -1, or the index (into src) of the first sample that
/// is not (NaN, infinite or too large), and then writes nothing.
long headroom_deinterleave_checked(const float *src, long frames, int channels, float *const *dst, float limit);

/// The analysis' fused meter loop over `n` stereo frames (see meters.c): four biquad lanes (direct form I) in
/// two rows, row 1 [shelf L, shelf R, low1 L, low1 R] on the input and row 2 [high-pass L, high-pass R, low2 L,
/// low2 R] on row 1's output. `c1`, `c2`: 5 coefficients per lane (b0, b1, b2, a1, a2), lane after lane.
/// `row1`, `row2`: each row's state, 16 doubles (x[n-1], x[n-2], y[n-1], y[n-2], four lanes each), updated.
/// `sums` (updated): high-pass energy L, R, the mono fold's energy, input L², R², L·R, low band L², R², L·R.
/// Bit for bit the same at every `level` (0 portable, ≥ 1 AVX).
void headroom_fused_meters(int level, const float *left, const float *right, long n, const double *c1, const double *c2,
                           double *row1, double *row2, double *sums);

/// The loudness meter's loop over `n` frames (see meters.c): K-weighting (shelf, then high-pass, direct form I)
/// of `left` and `right` (NULL: mono, the second lane filters zeros). `c`: shelf then high-pass, 5 coefficients
/// each (b0, b1, b2, a1, a2). `state`: 32 doubles, the shelf's then the high-pass's x[n-1], x[n-2], y[n-1],
/// y[n-2] at 4-double strides (lanes L, R first), updated. `sums` (updated): energy L, R, and with `fold`
/// the mono fold's (L+R)². Bit for bit the same at every `level` (0 portable, ≥ 1 SSE2).
void headroom_k_weighting(int level, const float *left, const float *right, long n, const double *c, double *state,
                          double *sums, int fold);

/// The codec check's window finder over `n` frames (see meters.c): `left` and `right` through two low-pass
/// sections (direct form I, rounded to float between them), the highest |output| per channel in `peaks` and
/// its frame (`base` + index; the first on a tie) in `at`, both updated. `c` and `state` as for
/// `headroom_k_weighting` (first section, then second). Bit for bit the same at every `level`.
void headroom_lowpass_peaks(int level, const float *left, const float *right, long n, const double *c, double *state,
                            float *peaks, long *at, long base);

/// Rounds `n` samples to `bits`-bit integers (full scale ±1.0 = ±2^(bits−1), clipped), with TPDF dither from
/// the SplitMix64 state `*state` (advanced by n draws), or none when `state` is NULL. The same integers at
/// every `level` (0 portable, 2 AVX-512).
void headroom_quantize(int level, const float *x, long n, int bits, uint64_t *state, int32_t *out);

/// The tone EQ's cascade of `k` biquads (transposed direct form II; `coef`: b0, b1, b2, a1, a2 per filter) over
/// `n` frames of `left` and `right` (NULL: mono, the second lane filters zeros), in place, in double precision
/// between the filters (see cascade.c). `state`: z1 left, z1 right, z2 left, z2 right per filter, updated.
/// Bit for bit the same at every `level` (0 portable, 1 AVX, 2 AVX-512).
void headroom_biquad_cascade(int level, const double *coef, int k, double *state, float *left, float *right, long n);

/// The same cascade on the side signal of a stereo pair (`WidthStage`): per frame mid = (L + R) / 2 and
/// side = (L − R) / 2 in double precision, the side through the cascade (the state's right lanes stay 0),
/// then L = mid + side, R = mid − side.
void headroom_side_cascade(int level, const double *coef, int k, double *state, float *left, float *right, long n);

/// The soft clipper's state between blocks: the filters' span `t` (taps per phase), its levels, the frames
/// left in which an interpolated value may pass the knee (`hot`) and in which a bend may still be filtered
/// back (`live`), and the count of bent values.
typedef struct {
    int t;
    float knee, threshold, trigger;
    int hot, live;
    long clipped;
} headroom_soft_clip_state;

/// One block of the soft clipper over `n` frames of `left` and `right` (NULL: mono), in place (see softclip.c):
/// 4x interpolation (`taps`: 4 phases, phase-major, t each), a tanh bend above the knee, the bends filtered
/// back (`decim`: the decimator reversed, t groups of 4) and added to the input delayed by t frames. Per
/// channel c, kept for the next block: at `histories` + c × `historyStride` (≥ t + n) the t previous samples,
/// then room for the block; at `residuals` + c × 4 × `stride` (≥ t + n) 4 arrays, one per phase, the t
/// previous steps' bends first. Scratch: `u`, 4 × n × channels floats; `flags`, 2 × n bytes. Bit for bit the
/// same at every `level` (0 portable, 1 AVX, 2 AVX-512; capped at what the CPU has).
void headroom_soft_clip(int level, headroom_soft_clip_state *s, const float *taps, const float *decim, float *left,
                        float *right, long n, float *histories, long historyStride, float *residuals, long stride, float *u,
                        unsigned char *flags);

#ifdef __cplusplus
}
#endif
#endif
