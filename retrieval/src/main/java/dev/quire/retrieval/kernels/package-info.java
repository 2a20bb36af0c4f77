/**
 * Late-interaction (MaxSim) kernels over pages stored in blocked layouts: half-precision floats,
 * binary sign codes (Hamming) and float queries against binary pages. {@link
 * dev.quire.index.PageCodec} defines the stored layouts, {@link
 * dev.quire.retrieval.kernels.MaxSimScorer} checks arguments and runs the {@link
 * dev.quire.retrieval.kernels.MaxSimKernels} that {@link
 * dev.quire.retrieval.kernels.MaxSimKernelProvider} chose for the JVM (Panama vectors of 512 or 256
 * bits, loaded only where {@code jdk.incubator.vector} is present, or {@link
 * dev.quire.retrieval.kernels.ScalarMaxSim}, the plain-loop twins), and {@link
 * dev.quire.retrieval.kernels.ReferenceMaxSim} computes the exact scores over row-major floats.
 */
package dev.quire.retrieval.kernels;
