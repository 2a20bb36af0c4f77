package dev.quire.evaluation.benchmark;

import dev.quire.Quire;
import java.util.LinkedHashMap;
import java.util.Map;

/** The versions and machine a run happened on, for the report. */
final class RunEnvironment {

  private RunEnvironment() {}

  static Map<String, String> describe() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("quire", version(Quire.class.getPackage().getImplementationVersion()));
    env.put("lucene", org.apache.lucene.util.Version.LATEST.toString());
    env.put("java", Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    env.put("processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
    env.put("maxHeap", Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
    // The MaxSim kernels fall back to scalar code without the incubating Vector API.
    env.put("vectorApi", ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
        ? "jdk.incubator.vector" : "absent (scalar kernels)");
    return env;
  }

  private static String version(String implementationVersion) {
    return implementationVersion == null ? "development build" : implementationVersion;
  }
}
