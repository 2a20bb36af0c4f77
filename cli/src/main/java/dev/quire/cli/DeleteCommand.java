package dev.quire.cli;

import dev.quire.Quire;
import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.DocumentRejectedException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "delete",
    description = "Remove documents (by id, or by the path of the file they were indexed from).")
final class DeleteCommand implements Callable<Integer> {

  @Mixin IndexLocation location;

  @Parameters(arity = "1..*", paramLabel = "ID|FILE", description = "Document ids or files.")
  List<String> targets;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Reports.requireExistingIndex(location.directory);
    PrintWriter out = spec.commandLine().getOut();
    int missing = 0;
    try (Quire quire = Quire.open(location.config(), null);
        DocumentReader reader = new DocumentReader(quire.config().reader())) {
      for (String target : targets) {
        String id = documentId(reader, target);
        if (quire.delete(id)) {
          out.println("deleted " + id + (id.equals(target) ? "" : " (" + target + ")"));
        } else {
          out.println("no document " + id + (id.equals(target) ? "" : " (" + target + ")"));
          missing++;
        }
      }
    }
    return missing == 0 ? 0 : 3;
  }

  /** A file that exists names the document it was indexed as; anything else is an id. */
  private static String documentId(DocumentReader reader, String target) {
    Path path = Path.of(target);
    if (Files.isRegularFile(path)) {
      try {
        return reader.identify(path).documentId();
      } catch (DocumentRejectedException | java.io.IOException e) {
        return target;
      }
    }
    return target;
  }
}
