/*
 * memlayer native kernels: C twins of src/tensor/kernels (TypeScript). Every function computes exactly
 * the bits its TypeScript twin computes (same rounding, same accumulation order, canonical NaN
 * for arithmetic results), so a replica with the addon and one without agree byte for byte.
 * Built with -O3 and -ffp-contract=off: the compiler vectorises, but never fuses a*b+c or
 * reassociates a sum.
 */
#ifndef MEMLAYER_KERNELS_H
#define MEMLAYER_KERNELS_H
#include <stddef.h>
#include <stdint.h>

void ml_f16_to_f32(const uint16_t *src, uint32_t *dst, size_t n);
void ml_f32_to_f16(const uint32_t *src, uint16_t *dst, size_t n);
void ml_bf16_to_f32(const uint16_t *src, uint32_t *dst, size_t n);
void ml_f32_to_bf16(const uint32_t *src, uint16_t *dst, size_t n);

void ml_add_f32(const float *a, const float *b, float *out, size_t n);
void ml_sub_f32(const float *a, const float *b, float *out, size_t n);
void ml_mul_f32(const float *a, const float *b, float *out, size_t n);
void ml_scale_f32(const float *a, double alpha, float *out, size_t n);
void ml_axpy_f32(double alpha, const float *x, const float *y, float *out, size_t n);
void ml_add_f64(const double *a, const double *b, double *out, size_t n);
void ml_sub_f64(const double *a, const double *b, double *out, size_t n);
void ml_mul_f64(const double *a, const double *b, double *out, size_t n);
void ml_scale_f64(const double *a, double alpha, double *out, size_t n);
void ml_axpy_f64(double alpha, const double *x, const double *y, double *out, size_t n);

double ml_sum_f32(const float *x, size_t n);
double ml_sum_f64(const double *x, size_t n);
double ml_sumsq_f32(const float *x, size_t n);
double ml_sumsq_f64(const double *x, size_t n);
double ml_dot_f32(const float *a, const float *b, size_t n);
double ml_dot_f64(const double *a, const double *b, size_t n);

void ml_shuffle(const uint8_t *src, size_t n, size_t element_bytes, uint8_t *dst);
void ml_unshuffle(const uint8_t *src, size_t n, size_t element_bytes, uint8_t *dst);

#endif
