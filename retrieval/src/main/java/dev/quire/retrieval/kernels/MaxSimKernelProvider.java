package dev.quire.retrieval.kernels;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link MaxSimKernels} of this JVM, once: the Panama kernels on 512-bit vectors where
 * the CPU prefers 512 bits, on 256-bit vectors where it prefers 256 (AVX2, or AVX-512 turned down
 * with {@code -XX:UseAVX=2}), and otherwise the scalar twins, with one log line that says why.
 *
 * <p>Like Lucene's {@code VectorizationProvider}, this class names no {@code jdk.incubator.vector}
 * type: the Panama classes are loaded by reflection only after the module has been found in the
 * boot layer, so a library user who starts the JVM without {@code --add-modules
 * jdk.incubator.vector} gets the scalar kernels and a warning, never a {@link NoClassDefFoundError}.
 *
 * <p>The system property {@value #PROPERTY} ({@code scalar}, {@code 256}, {@code 512}; unset or
 * {@code auto} lets the CPU decide) overrides the choice, so that tests can run every
 * implementation on any machine: a size above the CPU's is honoured (the Vector API then emulates
 * the wider vectors, correctly but slowly).
 */
public final class MaxSimKernelProvider {

  /** The override: {@code scalar}, {@code 256}, {@code 512} or {@code auto}. */
  public static final String PROPERTY = "quire.vectorsize";
  static final String MODULE = "jdk.incubator.vector";

  private static final Logger LOG = LoggerFactory.getLogger(MaxSimKernelProvider.class);
  private static final MaxSimKernelProvider SCALAR = new MaxSimKernelProvider(0, maxDim -> ScalarMaxSim.INSTANCE);

  private final int vectorBits;
  private final IntFunction<MaxSimKernels> factory;

  private MaxSimKernelProvider(int vectorBits, IntFunction<MaxSimKernels> factory) {
    this.vectorBits = vectorBits;
    this.factory = factory;
  }

  /** The kernels of this JVM, chosen (and logged) on the first call. */
  public static MaxSimKernelProvider lookup() {
    return Chosen.PROVIDER;
  }

  /** Initialised on the first {@link #lookup()}, so that {@link #of} alone logs nothing. */
  private static final class Chosen {
    static final MaxSimKernelProvider PROVIDER = choose(System.getProperty(PROPERTY, "auto"));
  }

  /**
   * The kernels on {@code vectorBits}-bit vectors (0 for the scalar twins) whatever the CPU prefers,
   * for tests and benchmarks that compare them.
   *
   * @throws UnsupportedOperationException for 256 or 512 where {@code jdk.incubator.vector} is absent
   * @throws IllegalArgumentException for another size
   */
  public static MaxSimKernelProvider of(int vectorBits) {
    if (vectorBits == 0) {
      return SCALAR;
    }
    if (vectorBits != 256 && vectorBits != 512) {
      throw new IllegalArgumentException("no MaxSim kernels on " + vectorBits + "-bit vectors (0, 256 or 512)");
    }
    if (!vectorModulePresent()) {
      throw new UnsupportedOperationException(
          "the " + vectorBits + "-bit MaxSim kernels need the JVM flag --add-modules " + MODULE);
    }
    return new MaxSimKernelProvider(vectorBits, panama(vectorBits == 512 ? "Panama512MaxSim" : "Panama256MaxSim"));
  }

  /** Whether {@code jdk.incubator.vector} is in the boot layer (the JVM was started with it). */
  public static boolean vectorModulePresent() {
    return ModuleLayer.boot().findModule(MODULE).isPresent();
  }

  /** The CPU's preferred vector size in bits, as C2 sees it; empty without the vector module. */
  public static OptionalInt preferredVectorBits() {
    if (!vectorModulePresent()) {
      return OptionalInt.empty();
    }
    try {
      Class<?> support = Class.forName(MaxSimKernelProvider.class.getPackageName() + ".PanamaSupport");
      MethodHandle preferred = MethodHandles.lookup()
          .findStatic(support, "preferredBitSize", MethodType.methodType(int.class));
      return OptionalInt.of((int) preferred.invokeExact());
    } catch (Throwable e) {
      throw new IllegalStateException("cannot ask the Vector API for the preferred vector size", e);
    }
  }

  /** The vector size of these kernels in bits; 0 for the scalar twins. */
  public int vectorBits() {
    return vectorBits;
  }

  /** Whether these are Panama (SIMD) kernels. */
  public boolean simd() {
    return vectorBits > 0;
  }

  /** {@code scalar}, {@code panama-256} or {@code panama-512}. */
  public String name() {
    return vectorBits == 0 ? "scalar" : "panama-" + vectorBits;
  }

  /** Kernels for one thread, with scratch for queries up to {@code maxDim}. */
  public MaxSimKernels newKernels(int maxDim) {
    return factory.apply(maxDim);
  }

  @Override
  public String toString() {
    return name();
  }

  static MaxSimKernelProvider choose(String setting) {
    String wanted = setting.trim().toLowerCase(Locale.ROOT);
    if (!wanted.equals("auto") && !wanted.equals("scalar") && !wanted.equals("256") && !wanted.equals("512")) {
      LOG.warn("-D{}={} is neither scalar, 256, 512 nor auto: ignored", PROPERTY, setting);
      wanted = "auto";
    }
    if (wanted.equals("scalar")) {
      LOG.info("MaxSim kernels: scalar (SIMD off: -D{}=scalar)", PROPERTY);
      return SCALAR;
    }
    if (!vectorModulePresent()) {
      LOG.warn("MaxSim kernels: scalar (SIMD off: the {} module is absent; "
          + "start the JVM with --add-modules {} for the Panama kernels)", MODULE, MODULE);
      return SCALAR;
    }
    int preferred = preferredVectorBits().orElseThrow();
    if (wanted.equals("auto")) {
      Optional<String> interpreted = withoutC2();
      if (interpreted.isPresent()) {
        LOG.warn("MaxSim kernels: scalar (SIMD off: {}; the Vector API is only fast once C2 compiles it)",
            interpreted.get());
        return SCALAR;
      }
      if (preferred >= 512) {
        LOG.debug("MaxSim kernels: panama-512 (the CPU's preferred vector size is {} bits)", preferred);
        return of(512);
      }
      if (preferred >= 256) {
        LOG.info("MaxSim kernels: panama-256 (the CPU's preferred vector size is {} bits, below 512)", preferred);
        return of(256);
      }
      LOG.warn("MaxSim kernels: scalar (SIMD off: the CPU's preferred vector size is {} bits, below 256)", preferred);
      return SCALAR;
    }
    int bits = Integer.parseInt(wanted);
    if (bits > preferred) {
      LOG.warn("MaxSim kernels: panama-{} (-D{}={}) above the CPU's preferred {} bits: the Vector API "
          + "emulates the wider vectors, slowly", bits, PROPERTY, wanted, preferred);
    } else {
      LOG.info("MaxSim kernels: panama-{} (-D{}={}; the CPU prefers {} bits)", bits, PROPERTY, wanted, preferred);
    }
    return of(bits);
  }

  /** Why this JVM never compiles with C2 ({@code -Xint}, {@code -XX:TieredStopAtLevel} below 4), if it does not. */
  static Optional<String> withoutC2() {
    if (ModuleLayer.boot().findModule("jdk.management").isEmpty()) {
      return Optional.empty();
    }
    try {
      return VmOptions.withoutC2();
    } catch (RuntimeException | LinkageError e) {
      return Optional.empty();
    }
  }

  /** Reads HotSpot's flags; loaded only where {@code jdk.management} is present. */
  private static final class VmOptions {
    static Optional<String> withoutC2() {
      var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(
          com.sun.management.HotSpotDiagnosticMXBean.class);
      if (hotspot == null) {
        return Optional.empty();
      }
      if (hotspot.getVMOption("UseCompiler").getValue().equals("false")) {
        return Optional.of("the JVM only interprets (-Xint)");
      }
      String level = hotspot.getVMOption("TieredStopAtLevel").getValue();
      boolean tiered = hotspot.getVMOption("TieredCompilation").getValue().equals("true");
      if (tiered && Integer.parseInt(level) < 4) {
        return Optional.of("-XX:TieredStopAtLevel=" + level + " keeps C2 off");
      }
      return Optional.empty();
    }
  }

  private static IntFunction<MaxSimKernels> panama(String className) {
    MethodHandle constructor;
    try {
      Class<?> kernels = Class.forName(MaxSimKernelProvider.class.getPackageName() + "." + className);
      constructor = MethodHandles.lookup()
          .findConstructor(kernels, MethodType.methodType(void.class, int.class))
          .asType(MethodType.methodType(MaxSimKernels.class, int.class));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot load the Panama MaxSim kernels " + className, e);
    }
    return maxDim -> {
      try {
        return (MaxSimKernels) constructor.invokeExact(maxDim);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    };
  }
}
