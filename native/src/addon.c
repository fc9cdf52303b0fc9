/*
 * N-API glue for the kernels in kernels.c (plain node_api.h, no node-addon-api). Every entry
 * takes typed arrays (or Buffers) and checks their byte lengths before touching memory; a bad
 * call throws a TypeError/RangeError instead of reading out of bounds.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include <node_api.h>
#include <stdint.h>
#include "kernels.h"
#include "io.h"
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define MAX_ARGS 4

typedef struct {
  void *data;
  size_t bytes;
} span;

static int get_span(napi_env env, napi_value value, span *out) {
  bool is_typed = false;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) {
    napi_throw_type_error(env, NULL, "expected a typed array");
    return 0;
  }
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset) != napi_ok) {
    napi_throw_type_error(env, NULL, "unreadable typed array");
    return 0;
  }
  size_t width = 1;
  switch (type) {
    case napi_int16_array: case napi_uint16_array: width = 2; break;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: width = 4; break;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: width = 8; break;
    default: width = 1; break;
  }
  out->data = data;
  out->bytes = length * width;
  return 1;
}

static int get_double(napi_env env, napi_value value, double *out) {
  if (napi_get_value_double(env, value, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a number");
    return 0;
  }
  return 1;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = MAX_ARGS;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "too few arguments");
    return 0;
  }
  return 1;
}

static int check(napi_env env, int ok) {
  if (!ok) napi_throw_range_error(env, NULL, "typed array lengths do not match");
  return ok;
}

static napi_value make_double(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

/* conversions: (source, target) */
#define CONVERT(NAME, FN, SRC_T, DST_T)                                                  \
  static napi_value NAME(napi_env env, napi_callback_info info) {                        \
    napi_value argv[MAX_ARGS];                                                           \
    span s, d;                                                                           \
    if (!get_args(env, info, 2, argv) || !get_span(env, argv[0], &s) ||                  \
        !get_span(env, argv[1], &d))                                                     \
      return NULL;                                                                       \
    size_t n = s.bytes / sizeof(SRC_T);                                                  \
    if (!check(env, d.bytes == n * sizeof(DST_T) && s.bytes % sizeof(SRC_T) == 0))       \
      return NULL;                                                                       \
    FN((const SRC_T *)s.data, (DST_T *)d.data, n);                                       \
    return NULL;                                                                         \
  }

CONVERT(f16_to_f32, ml_f16_to_f32, uint16_t, uint32_t)
CONVERT(f32_to_f16, ml_f32_to_f16, uint32_t, uint16_t)
CONVERT(bf16_to_f32, ml_bf16_to_f32, uint16_t, uint32_t)
CONVERT(f32_to_bf16, ml_f32_to_bf16, uint32_t, uint16_t)

/* binary element-wise: (a, b, out) */
#define BINARY(NAME, FN, T)                                                              \
  static napi_value NAME(napi_env env, napi_callback_info info) {                        \
    napi_value argv[MAX_ARGS];                                                           \
    span a, b, o;                                                                        \
    if (!get_args(env, info, 3, argv) || !get_span(env, argv[0], &a) ||                  \
        !get_span(env, argv[1], &b) || !get_span(env, argv[2], &o))                      \
      return NULL;                                                                       \
    if (!check(env, a.bytes == o.bytes && b.bytes == o.bytes && o.bytes % sizeof(T) == 0)) \
      return NULL;                                                                       \
    FN((const T *)a.data, (const T *)b.data, (T *)o.data, o.bytes / sizeof(T));          \
    return NULL;                                                                         \
  }

BINARY(add_f32, ml_add_f32, float)
BINARY(sub_f32, ml_sub_f32, float)
BINARY(mul_f32, ml_mul_f32, float)
BINARY(add_f64, ml_add_f64, double)
BINARY(sub_f64, ml_sub_f64, double)
BINARY(mul_f64, ml_mul_f64, double)

/* scale: (a, alpha, out) */
#define SCALE(NAME, FN, T)                                                               \
  static napi_value NAME(napi_env env, napi_callback_info info) {                        \
    napi_value argv[MAX_ARGS];                                                           \
    span a, o;                                                                           \
    double alpha;                                                                        \
    if (!get_args(env, info, 3, argv) || !get_span(env, argv[0], &a) ||                  \
        !get_double(env, argv[1], &alpha) || !get_span(env, argv[2], &o))                \
      return NULL;                                                                       \
    if (!check(env, a.bytes == o.bytes && o.bytes % sizeof(T) == 0)) return NULL;        \
    FN((const T *)a.data, alpha, (T *)o.data, o.bytes / sizeof(T));                      \
    return NULL;                                                                         \
  }

SCALE(scale_f32, ml_scale_f32, float)
SCALE(scale_f64, ml_scale_f64, double)

/* axpy: (alpha, x, y, out) */
#define AXPY(NAME, FN, T)                                                                \
  static napi_value NAME(napi_env env, napi_callback_info info) {                        \
    napi_value argv[MAX_ARGS];                                                           \
    span x, y, o;                                                                        \
    double alpha;                                                                        \
    if (!get_args(env, info, 4, argv) || !get_double(env, argv[0], &alpha) ||            \
        !get_span(env, argv[1], &x) || !get_span(env, argv[2], &y) ||                    \
        !get_span(env, argv[3], &o))                                                     \
      return NULL;                                                                       \
    if (!check(env, x.bytes == o.bytes && y.bytes == o.bytes && o.bytes % sizeof(T) == 0)) \
      return NULL;                                                                       \
    FN(alpha, (const T *)x.data, (const T *)y.data, (T *)o.data, o.bytes / sizeof(T));   \
    return NULL;                                                                         \
  }

AXPY(axpy_f32, ml_axpy_f32, float)
AXPY(axpy_f64, ml_axpy_f64, double)

/* unary reductions: (x) -> number */
#define REDUCE(NAME, FN, T)                                                              \
  static napi_value NAME(napi_env env, napi_callback_info info) {                        \
    napi_value argv[MAX_ARGS];                                                           \
    span x;                                                                              \
    if (!get_args(env, info, 1, argv) || !get_span(env, argv[0], &x)) return NULL;       \
    if (!check(env, x.bytes % sizeof(T) == 0)) return NULL;                              \
    return make_double(env, FN((const T *)x.data, x.bytes / sizeof(T)));                 \
  }

REDUCE(sum_f32, ml_sum_f32, float)
REDUCE(sum_f64, ml_sum_f64, double)
REDUCE(sumsq_f32, ml_sumsq_f32, float)
REDUCE(sumsq_f64, ml_sumsq_f64, double)

#define DOT(NAME, FN, T)                                                                 \
  static napi_value NAME(napi_env env, napi_callback_info info) {                        \
    napi_value argv[MAX_ARGS];                                                           \
    span a, b;                                                                           \
    if (!get_args(env, info, 2, argv) || !get_span(env, argv[0], &a) ||                  \
        !get_span(env, argv[1], &b))                                                     \
      return NULL;                                                                       \
    if (!check(env, a.bytes == b.bytes && a.bytes % sizeof(T) == 0)) return NULL;        \
    return make_double(env, FN((const T *)a.data, (const T *)b.data, a.bytes / sizeof(T))); \
  }

DOT(dot_f32, ml_dot_f32, float)
DOT(dot_f64, ml_dot_f64, double)

/* shuffle / unshuffle: (source, elementBytes, target) */
#define SHUFFLE(NAME, FN)                                                                \
  static napi_value NAME(napi_env env, napi_callback_info info) {                        \
    napi_value argv[MAX_ARGS];                                                           \
    span s, d;                                                                           \
    double width;                                                                        \
    if (!get_args(env, info, 3, argv) || !get_span(env, argv[0], &s) ||                  \
        !get_double(env, argv[1], &width) || !get_span(env, argv[2], &d))               \
      return NULL;                                                                       \
    if (!check(env, s.bytes == d.bytes && width >= 1 && width <= 64 &&                   \
                        width == (double)(size_t)width))                                 \
      return NULL;                                                                       \
    FN((const uint8_t *)s.data, s.bytes, (size_t)width, (uint8_t *)d.data);              \
    return NULL;                                                                         \
  }

SHUFFLE(shuffle, ml_shuffle)
SHUFFLE(unshuffle, ml_unshuffle)

/*
 * alloc_huge(bytes): a Buffer of `bytes` on its own anonymous mapping, advised as transparent
 * huge pages (Linux, THP in "madvise" mode, the common default). A snapshot image of 100+ MB
 * on 4 KiB pages takes a page fault per 4 KiB on first touch (about 3 ms per MB on a VM, more
 * than encoding it); on 2 MiB pages it takes one per 2 MiB. Returns null when the mapping
 * fails or the platform has no madvise, and the caller allocates an ordinary Buffer. The
 * mapping is 2 MiB-aligned (THP only backs aligned 2 MiB ranges) and unmapped when the Buffer
 * is collected.
 */
#define HUGE_PAGE ((size_t)2 * 1024 * 1024)

static void unmap_huge(napi_env env, void *data, void *hint) {
  (void)env;
#if defined(__linux__)
  munmap(data, (size_t)(uintptr_t)hint);
#else
  (void)data;
  (void)hint;
#endif
}

static napi_value alloc_huge(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  double requested;
  if (!get_args(env, info, 1, argv) || !get_double(env, argv[0], &requested)) return NULL;
  if (!(requested >= 1 && requested <= (double)((size_t)1 << 46) &&
        requested == (double)(size_t)requested)) {
    napi_throw_range_error(env, NULL, "alloc_huge: bytes must be an integer from 1 to 2^46");
    return NULL;
  }
  napi_value result = NULL;
  napi_get_null(env, &result);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  size_t bytes = (size_t)requested;
  size_t length = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  size_t mapped = length + HUGE_PAGE;
  uint8_t *raw = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return result;
  uint8_t *start = (uint8_t *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
  /* Trim the unaligned head and the tail so that exactly [start, start + length) stays mapped. */
  if (start > raw) munmap(raw, (size_t)(start - raw));
  size_t tail = (size_t)((raw + mapped) - (start + length));
  if (tail > 0) munmap(start + length, tail);
  madvise(start, length, MADV_HUGEPAGE);
  if (napi_create_external_buffer(env, bytes, start, unmap_huge, (void *)(uintptr_t)length,
                                  &result) != napi_ok) {
    munmap(start, length);
    napi_get_null(env, &result);
  }
#endif
  return result;
}

#define EXPORT(NAME) {#NAME, NULL, NAME, NULL, NULL, NULL, napi_enumerable, NULL}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      EXPORT(f16_to_f32), EXPORT(f32_to_f16), EXPORT(bf16_to_f32), EXPORT(f32_to_bf16),
      EXPORT(add_f32),    EXPORT(sub_f32),    EXPORT(mul_f32),     EXPORT(scale_f32),
      EXPORT(axpy_f32),   EXPORT(add_f64),    EXPORT(sub_f64),     EXPORT(mul_f64),
      EXPORT(scale_f64),  EXPORT(axpy_f64),   EXPORT(sum_f32),     EXPORT(sum_f64),
      EXPORT(sumsq_f32),  EXPORT(sumsq_f64),  EXPORT(dot_f32),     EXPORT(dot_f64),
      EXPORT(shuffle),    EXPORT(unshuffle),   EXPORT(alloc_huge),  EXPORT(io_init),
      EXPORT(io_adopt),   EXPORT(io_write),    EXPORT(io_read),     EXPORT(io_end),
      EXPORT(io_close),
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
