import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What ./test prints after the build: per module, the tests this run executed, failed and skipped
 * (Surefire's totals in the build log: its XML reports undercount a class that mixes jqwik
 * properties and JUnit tests, one engine's report overwriting the other's), and every skipped
 * test with the reason its assumption gave (from the XML reports written after {@code since}), so
 * a test skipped for a missing tool is seen, not just counted. Runs as a source-file program on
 * the build's JDK: {@code java bin/TestSummary.java ROOT BUILD_LOG SINCE}.
 */
public final class TestSummary {

  record Module(String name, int run, int failed, int skipped) {}

  record Skip(String module, String test, String reason) {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Map<String, Module> totals = totals(Files.readAllLines(Path.of(args[1])));
    FileTime since = Files.getLastModifiedTime(Path.of(args[2]));
    List<Module> modules = new ArrayList<>();
    List<Skip> skips = new ArrayList<>();
    List<String> notRun = new ArrayList<>();
    for (String module : modules(root)) {
      Module total = totals.get(module);
      if (total == null) {
        notRun.add(module);
        continue;
      }
      modules.add(total);
      Set<String> seen = new HashSet<>();
      for (Path report : fresh(root.resolve(module).resolve("target/surefire-reports"), since)) {
        Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(report.toFile()).getDocumentElement();
        NodeList cases = suite.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
          Element testCase = (Element) cases.item(i);
          NodeList skip = testCase.getElementsByTagName("skipped");
          String className = testCase.getAttribute("classname");
          String test = className.substring(className.lastIndexOf('.') + 1) + "."
              + testCase.getAttribute("name");
          if (skip.getLength() > 0 && seen.add(test)) {
            skips.add(new Skip(module, test, reason((Element) skip.item(0))));
          }
        }
      }
    }
    print(modules, skips, notRun);
  }

  /**
   * Each module's totals from the log: the line after Surefire's "Results:" that follows its
   * {@code maven-surefire-plugin ... @ quire-<module>} header.
   */
  static Map<String, Module> totals(List<String> log) {
    Pattern header = Pattern.compile("--- maven-surefire-plugin:\\S+ \\(\\S+\\) @ quire-(\\S+) ---");
    Pattern total = Pattern.compile(
        "\\] Tests run: (\\d+), Failures: (\\d+), Errors: (\\d+), Skipped: (\\d+)$");
    Map<String, Module> totals = new LinkedHashMap<>();
    String module = null;
    for (String line : log) {
      Matcher m = header.matcher(line);
      if (m.find()) {
        module = m.group(1);
        continue;
      }
      m = total.matcher(line);
      if (module != null && m.find()) {
        totals.put(module, new Module(module, Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)) + Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))));
        module = null;
      }
    }
    return totals;
  }

  /** Modules in the parent pom's order. */
  private static List<String> modules(Path root) throws IOException {
    List<String> modules = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve("pom.xml"))) {
      String trimmed = line.trim();
      if (trimmed.startsWith("<module>") && trimmed.endsWith("</module>")) {
        modules.add(trimmed.substring("<module>".length(), trimmed.length() - "</module>".length()));
      }
    }
    return modules;
  }

  private static List<Path> fresh(Path reports, FileTime since) throws IOException {
    if (!Files.isDirectory(reports)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(reports)) {
      return files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml"))
          .filter(f -> {
            try {
              return Files.getLastModifiedTime(f).compareTo(since) >= 0;
            } catch (IOException e) {
              return false;
            }
          })
          .sorted()
          .toList();
    }
  }

  /** The assumption's message: the skip's message attribute, else the first line of its text. */
  private static String reason(Element skipped) {
    String text = skipped.getAttribute("message");
    if (text.isBlank()) {
      text = skipped.getTextContent().strip().lines().findFirst().orElse("");
    }
    text = text.replaceFirst("^org\\.opentest4j\\.TestAbortedException: ", "")
        .replaceFirst("^Assumption failed: ", "");
    return text.isBlank() ? "(no reason given)" : text;
  }

  private static void print(List<Module> modules, List<Skip> skips, List<String> notRun) {
    int width = Math.max(5, modules.stream().mapToInt(m -> m.name().length()).max().orElse(5));
    String row = "  %-" + width + "s %5d run, %d failed, %d skipped%n";
    System.out.println();
    System.out.println("Tests of this run, by module:");
    int run = 0;
    int failed = 0;
    int skipped = 0;
    for (Module m : modules) {
      System.out.printf(row, m.name(), m.run(), m.failed(), m.skipped());
      run += m.run();
      failed += m.failed();
      skipped += m.skipped();
    }
    System.out.printf(row, "total", run, failed, skipped);
    if (!notRun.isEmpty()) {
      System.out.println("  not run (the build stopped before them, or they have no tests): "
          + String.join(", ", notRun));
    }
    if (!skips.isEmpty()) {
      // Tests skipped for the same reason are listed under it once.
      Map<String, List<Skip>> byReason = new LinkedHashMap<>();
      for (Skip skip : skips) {
        byReason.computeIfAbsent(skip.module() + "\u0000" + skip.reason(), k -> new ArrayList<>()).add(skip);
      }
      System.out.println("Skipped:");
      for (List<Skip> group : byReason.values()) {
        Skip first = group.get(0);
        System.out.println("  " + first.module() + ": " + group.size() + " test"
            + (group.size() == 1 ? "" : "s") + " ("
            + String.join(", ", group.stream().map(Skip::test).toList()) + ")");
        System.out.println("    because " + first.reason());
      }
    }
  }
}
