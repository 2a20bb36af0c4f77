package dev.quire.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.quire.Quire;
import dev.quire.index.IndexStats;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "info", description = "What the index holds: documents, pages, model, sizes.")
final class InfoCommand implements Callable<Integer> {

  @Mixin IndexLocation location;

  @Option(names = "--json", description = "Print as JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Reports.requireExistingIndex(location.directory);
    PrintWriter out = spec.commandLine().getOut();
    try (Quire quire = Quire.open(location.config(), null)) {
      IndexStats stats = quire.info();
      if (json) {
        out.println(
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(stats));
      } else {
        Reports.printInfo(out, location.directory, stats, quire.ocrStatus());
      }
      return 0;
    }
  }
}
