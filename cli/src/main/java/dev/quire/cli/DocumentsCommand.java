package dev.quire.cli;

import dev.quire.Quire;
import dev.quire.index.DocumentRecord;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "documents", description = "List the indexed documents: id, pages, source file.")
final class DocumentsCommand implements Callable<Integer> {

  @Mixin IndexLocation location;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Reports.requireExistingIndex(location.directory);
    PrintWriter out = spec.commandLine().getOut();
    try (Quire quire = Quire.open(location.config(), null)) {
      for (DocumentRecord d : quire.documents()) {
        out.printf("%s  %4d p.  %s%n", d.documentId(), d.pageCount(), d.sourcePath());
      }
      return 0;
    }
  }
}
