/**
 * Late-interaction (MaxSim) kernels over pages stored in blocked layouts: half-precision floats,
 * binary sign codes (Hamming) and float queries against binary pages. {@link
 * dev.quire.retrieval.kernels.PageCodec} defines the stored layouts, {@link
 * dev.quire.retrieval.kernels.MaxSimScorer} the SIMD kernels, {@link
 * dev.quire.retrieval.kernels.ScalarMaxSim} their plain-loop twins and {@link
 * dev.quire.retrieval.kernels.ReferenceMaxSim} the exact scores over row-major floats.
 */
package dev.quire.retrieval.kernels;
