package dev.quire.retrieval.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * What {@link MaxSimKernelProvider} asks the Vector API; it reaches this class only by reflection,
 * after finding {@code jdk.incubator.vector} in the boot layer, so that a JVM without the module
 * never loads it.
 */
final class PanamaSupport {

  private PanamaSupport() {}

  /** The vector size, in bits, that C2 compiles to hardware vectors on this machine. */
  static int preferredBitSize() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize();
  }
}
