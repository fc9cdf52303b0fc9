/* C twins of src/tensor/kernels (TypeScript); see kernels.h for the agreement contract. */
#include "kernels.h"
#include <string.h>

/*
 * Hot loops get an AVX2 clone beside the baseline (SSE2) one; the loader picks by CPU at
 * startup (GCC function multi-versioning), so one build runs on any x86-64. The results are
 * the same bits either way: the same IEEE operations in the same order, no FMA
 * (-ffp-contract=off).
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define HOT __attribute__((target_clones("avx2", "default")))
#else
#define HOT
#endif

/* ---- float16 / bfloat16 (same algorithms as src/tensor/kernels/half.ts) ---- */

static inline uint32_t f16_to_f32_bits(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  if (exp == 0x1fu) return sign | 0x7f800000u | (mant << 13);
  if (exp != 0) return sign | ((exp + 112u) << 23) | (mant << 13);
  if (mant == 0) return sign;
  uint32_t e = 113;
  while ((mant & 0x400u) == 0) {
    mant <<= 1;
    e--;
  }
  return sign | (e << 23) | ((mant & 0x3ffu) << 13);
}

static inline uint16_t f32_to_f16_bits(uint32_t x) {
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t exp = (x >> 23) & 0xffu;
  uint32_t mant = x & 0x7fffffu;
  if (exp == 0xffu) return (uint16_t)(mant != 0 ? (sign | 0x7e00u | (mant >> 13)) : (sign | 0x7c00u));
  if (exp > 142u) return (uint16_t)(sign | 0x7c00u);
  if (exp >= 113u) {
    uint32_t half = ((exp - 112u) << 10) | (mant >> 13);
    uint32_t rem = mant & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) half++;
    return (uint16_t)(sign | half);
  }
  if (exp < 102u) return (uint16_t)sign;
  uint32_t m = mant | 0x800000u;
  uint32_t shift = 126u - exp;
  uint32_t half = m >> shift;
  uint32_t rem = m & ((1u << shift) - 1u);
  uint32_t halfway = 1u << (shift - 1u);
  if (rem > halfway || (rem == halfway && (half & 1u))) half++;
  return (uint16_t)(sign | half);
}

static inline uint16_t f32_to_bf16_bits(uint32_t x) {
  if ((x & 0x7f800000u) == 0x7f800000u && (x & 0x7fffffu) != 0) return (uint16_t)((x >> 16) | 0x40u);
  uint32_t bias = 0x7fffu + ((x >> 16) & 1u);
  return (uint16_t)((x + bias) >> 16);
}

HOT void ml_f16_to_f32(const uint16_t *src, uint32_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = f16_to_f32_bits(src[i]);
}

HOT void ml_f32_to_f16(const uint32_t *src, uint16_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = f32_to_f16_bits(src[i]);
}

void ml_bf16_to_f32(const uint16_t *src, uint32_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = (uint32_t)src[i] << 16;
}

HOT void ml_f32_to_bf16(const uint32_t *src, uint16_t *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = f32_to_bf16_bits(src[i]);
}

/* ---- element-wise: float64 formulas, one rounding, canonical NaN ---- */

static inline float canon_f32(float r) {
  union { uint32_t u; float f; } nan = {0x7fc00000u};
  return r == r ? r : nan.f;
}

static inline double canon_f64(double r) {
  union { uint64_t u; double d; } nan = {0x7ff8000000000000ull};
  return r == r ? r : nan.d;
}

/*
 * Large outputs are written with non-temporal (streaming) stores on AVX2: an output bigger than
 * the caches would otherwise be read into them first (read-for-ownership) only to be
 * overwritten, a third more memory traffic for a loop that is bound by memory bandwidth
 * (measured here on 10M float32: 2.5-4.4 ms streaming vs 3.0-5.7 ms plain). Same IEEE operations
 * in the same order as the plain loops, so the same bits; only the way they reach memory
 * differs. Used only when the output does not partly overlap an input.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#include <immintrin.h>

#define STREAM_BYTES_MIN ((size_t)4 << 20)

static int has_avx2(void) {
  static int known = -1;
  if (known < 0) known = __builtin_cpu_supports("avx2") ? 1 : 0;
  return known;
}

/* Disjoint, or the very same array (each vector is read before it is written). */
static int apart(const void *out, const void *in, size_t bytes) {
  const char *o = (const char *)out, *i = (const char *)in;
  return in == NULL || o == i || o + bytes <= i || i + bytes <= o;
}

static int streamable(const void *out, size_t bytes, const void *a, const void *b) {
  return bytes >= STREAM_BYTES_MIN && apart(out, a, bytes) && apart(out, b, bytes) && has_avx2();
}

#define AVX2 __attribute__((target("avx2")))

/* Scalar head until `out + i` is 32-byte aligned, vectors of W streamed, scalar tail. */
#define STREAM_LOOP(T, W, SCALAR, VECTOR)                                     \
  size_t i = 0;                                                               \
  for (; i < n && ((uintptr_t)(out + i) & 31u) != 0; i++) out[i] = SCALAR;  \
  for (; i + (W) <= n; i += (W)) { VECTOR; }                                  \
  for (; i < n; i++) out[i] = SCALAR;                                         \
  _mm_sfence();

static AVX2 inline __m256 canon8(__m256 r) {
  const __m256 qnan = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fc00000));
  return _mm256_blendv_ps(qnan, r, _mm256_cmp_ps(r, r, _CMP_ORD_Q));
}

static AVX2 inline __m256d canon4(__m256d r) {
  const __m256d qnan = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7ff8000000000000ll));
  return _mm256_blendv_pd(qnan, r, _mm256_cmp_pd(r, r, _CMP_ORD_Q));
}

/* float32 -> two float64 halves, and back (one rounding, as the scalar cast). */
static AVX2 inline __m256d lo4(__m256 v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
static AVX2 inline __m256d hi4(__m256 v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
static AVX2 inline __m256 join8(__m256d lo, __m256d hi) {
  return _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo));
}

#define STREAM_F32_BINARY(NAME, VOP, SOP)                                              \
  static AVX2 void NAME(const float *a, const float *b, float *out, size_t n) {        \
    STREAM_LOOP(float, 8, canon_f32(a[i] SOP b[i]),                                    \
                _mm256_stream_ps(out + i, canon8(VOP(_mm256_loadu_ps(a + i),           \
                                                     _mm256_loadu_ps(b + i))))) \
  }
#define STREAM_F64_BINARY(NAME, VOP, SOP)                                              \
  static AVX2 void NAME(const double *a, const double *b, double *out, size_t n) {     \
    STREAM_LOOP(double, 4, canon_f64(a[i] SOP b[i]),                                   \
                _mm256_stream_pd(out + i, canon4(VOP(_mm256_loadu_pd(a + i),           \
                                                     _mm256_loadu_pd(b + i))))) \
  }
STREAM_F32_BINARY(stream_add_f32, _mm256_add_ps, +)
STREAM_F32_BINARY(stream_sub_f32, _mm256_sub_ps, -)
STREAM_F32_BINARY(stream_mul_f32, _mm256_mul_ps, *)
STREAM_F64_BINARY(stream_add_f64, _mm256_add_pd, +)
STREAM_F64_BINARY(stream_sub_f64, _mm256_sub_pd, -)
STREAM_F64_BINARY(stream_mul_f64, _mm256_mul_pd, *)

/* alpha * x (+ y): float64 products and sums, one rounding to float32 at the end. */
static AVX2 void stream_axpy_f32(double alpha, const float *x, const float *y, float *out,
                                 size_t n) {
  const __m256d al = _mm256_set1_pd(alpha);
  if (y == NULL) {
    STREAM_LOOP(float, 8, canon_f32((float)(alpha * (double)x[i])), {
      __m256 xv = _mm256_loadu_ps(x + i);
      _mm256_stream_ps(out + i, canon8(join8(_mm256_mul_pd(al, lo4(xv)),
                                             _mm256_mul_pd(al, hi4(xv)))));
    })
  } else {
    STREAM_LOOP(float, 8, canon_f32((float)(alpha * (double)x[i] + (double)y[i])), {
      __m256 xv = _mm256_loadu_ps(x + i);
      __m256 yv = _mm256_loadu_ps(y + i);
      __m256d rlo = _mm256_add_pd(_mm256_mul_pd(al, lo4(xv)), lo4(yv));
      __m256d rhi = _mm256_add_pd(_mm256_mul_pd(al, hi4(xv)), hi4(yv));
      _mm256_stream_ps(out + i, canon8(join8(rlo, rhi)));
    })
  }
}

static AVX2 void stream_axpy_f64(double alpha, const double *x, const double *y, double *out,
                                 size_t n) {
  const __m256d al = _mm256_set1_pd(alpha);
  if (y == NULL) {
    STREAM_LOOP(double, 4, canon_f64(alpha * x[i]),
                _mm256_stream_pd(out + i, canon4(_mm256_mul_pd(al, _mm256_loadu_pd(x + i)))))
  } else {
    STREAM_LOOP(double, 4, canon_f64(alpha * x[i] + y[i]),
                _mm256_stream_pd(out + i, canon4(_mm256_add_pd(
                                              _mm256_mul_pd(al, _mm256_loadu_pd(x + i)),
                                              _mm256_loadu_pd(y + i)))))
  }
}

#define TRY_STREAM(CALL, OUT, BYTES, A, B) \
  if (streamable(OUT, BYTES, A, B)) {      \
    CALL;                                  \
    return;                                \
  }
#else
#define TRY_STREAM(CALL, OUT, BYTES, A, B)
#endif

HOT void ml_add_f32(const float *a, const float *b, float *out, size_t n) {
  TRY_STREAM(stream_add_f32(a, b, out, n), out, n * 4, a, b)
  for (size_t i = 0; i < n; i++) out[i] = canon_f32(a[i] + b[i]);
}
HOT void ml_sub_f32(const float *a, const float *b, float *out, size_t n) {
  TRY_STREAM(stream_sub_f32(a, b, out, n), out, n * 4, a, b)
  for (size_t i = 0; i < n; i++) out[i] = canon_f32(a[i] - b[i]);
}
HOT void ml_mul_f32(const float *a, const float *b, float *out, size_t n) {
  TRY_STREAM(stream_mul_f32(a, b, out, n), out, n * 4, a, b)
  for (size_t i = 0; i < n; i++) out[i] = canon_f32(a[i] * b[i]);
}
HOT void ml_scale_f32(const float *a, double alpha, float *out, size_t n) {
  TRY_STREAM(stream_axpy_f32(alpha, a, NULL, out, n), out, n * 4, a, NULL)
  for (size_t i = 0; i < n; i++) out[i] = canon_f32((float)(alpha * (double)a[i]));
}
HOT void ml_axpy_f32(double alpha, const float *x, const float *y, float *out, size_t n) {
  TRY_STREAM(stream_axpy_f32(alpha, x, y, out, n), out, n * 4, x, y)
  for (size_t i = 0; i < n; i++) out[i] = canon_f32((float)(alpha * (double)x[i] + (double)y[i]));
}
HOT void ml_add_f64(const double *a, const double *b, double *out, size_t n) {
  TRY_STREAM(stream_add_f64(a, b, out, n), out, n * 8, a, b)
  for (size_t i = 0; i < n; i++) out[i] = canon_f64(a[i] + b[i]);
}
HOT void ml_sub_f64(const double *a, const double *b, double *out, size_t n) {
  TRY_STREAM(stream_sub_f64(a, b, out, n), out, n * 8, a, b)
  for (size_t i = 0; i < n; i++) out[i] = canon_f64(a[i] - b[i]);
}
HOT void ml_mul_f64(const double *a, const double *b, double *out, size_t n) {
  TRY_STREAM(stream_mul_f64(a, b, out, n), out, n * 8, a, b)
  for (size_t i = 0; i < n; i++) out[i] = canon_f64(a[i] * b[i]);
}
HOT void ml_scale_f64(const double *a, double alpha, double *out, size_t n) {
  TRY_STREAM(stream_axpy_f64(alpha, a, NULL, out, n), out, n * 8, a, NULL)
  for (size_t i = 0; i < n; i++) out[i] = canon_f64(alpha * a[i]);
}
HOT void ml_axpy_f64(double alpha, const double *x, const double *y, double *out, size_t n) {
  TRY_STREAM(stream_axpy_f64(alpha, x, y, out, n), out, n * 8, x, y)
  for (size_t i = 0; i < n; i++) out[i] = canon_f64(alpha * x[i] + y[i]);
}

/* ---- reductions: eight float64 lanes, pairwise combine, ordered tail ---- */

#define LANES 8
#define COMBINE(acc) \
  (((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])))

#define LANE_SUM(TERM)                                          \
  double acc[LANES] = {0, 0, 0, 0, 0, 0, 0, 0};                 \
  size_t whole = n - n % LANES;                                 \
  for (size_t i = 0; i < whole; i += LANES) {                   \
    for (size_t j = 0; j < LANES; j++) acc[j] += TERM(i + j);   \
  }                                                             \
  double sum = COMBINE(acc);                                    \
  for (size_t i = whole; i < n; i++) sum += TERM(i);            \
  return sum;

#define X(k) ((double)x[k])
#define SQ(k) ((double)x[k] * (double)x[k])
#define AB(k) ((double)a[k] * (double)b[k])

HOT double ml_sum_f32(const float *x, size_t n) { LANE_SUM(X) }
HOT double ml_sum_f64(const double *x, size_t n) { LANE_SUM(X) }
HOT double ml_sumsq_f32(const float *x, size_t n) { LANE_SUM(SQ) }
HOT double ml_sumsq_f64(const double *x, size_t n) { LANE_SUM(SQ) }
HOT double ml_dot_f32(const float *a, const float *b, size_t n) { LANE_SUM(AB) }
HOT double ml_dot_f64(const double *a, const double *b, size_t n) { LANE_SUM(AB) }

/* ---- byte shuffle (Blosc layout; tail bytes copied unchanged) ---- */

HOT void ml_shuffle(const uint8_t *src, size_t n, size_t element_bytes, uint8_t *dst) {
  size_t count = n / element_bytes;
  for (size_t b = 0; b < element_bytes; b++) {
    uint8_t *plane = dst + b * count;
    for (size_t i = 0; i < count; i++) plane[i] = src[i * element_bytes + b];
  }
  memcpy(dst + count * element_bytes, src + count * element_bytes, n - count * element_bytes);
}

HOT void ml_unshuffle(const uint8_t *src, size_t n, size_t element_bytes, uint8_t *dst) {
  size_t count = n / element_bytes;
  for (size_t b = 0; b < element_bytes; b++) {
    const uint8_t *plane = src + b * count;
    for (size_t i = 0; i < count; i++) dst[i * element_bytes + b] = plane[i];
  }
  memcpy(dst + count * element_bytes, src + count * element_bytes, n - count * element_bytes);
}
