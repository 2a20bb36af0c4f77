package dev.quire.cli;

import dev.quire.evaluation.cli.EvalCommand;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code quire} command: the subcommands below, clean errors, exit codes. */
@Command(
    name = "quire",
    mixinStandardHelpOptions = true,
    versionProvider = QuireCli.Version.class,
    description = "Visual document retrieval: index PDFs and images, search their pages.",
    subcommands = {
      DemoCommand.class,
      IndexCommand.class,
      SearchCommand.class,
      InfoCommand.class,
      DocumentsCommand.class,
      DeleteCommand.class,
      ServeCommand.class,
      EmbedCommand.class
    })
public final class QuireCli {

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new QuireCli());
    // quire eval lives in the evaluation module, which does not know the model family we ship.
    cli.addSubcommand("eval", new EvalCommand(ModelOptions::openFromEnvironment));
    cli.addSubcommand("help", new CommandLine.HelpCommand());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("quire: error: " + describe(e));
          if (System.getenv().getOrDefault("QUIRE_LOG_LEVEL", "").equalsIgnoreCase("debug")) {
            e.printStackTrace(commandLine.getErr());
          }
          return 1;
        });
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  /** The message a user can act on: the exception's own, or its cause's. */
  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = QuireCli.class.getPackage().getImplementationVersion();
      return new String[] {
        "quire " + (version == null ? "development build" : version),
        "JVM " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
