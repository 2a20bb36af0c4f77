package dev.quire.cli;

import dev.quire.cli.eval.EvalCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The {@code quire} command: the subcommands below, clean errors, exit codes. */
@Command(
    name = "quire",
    // Every subcommand inherits --help and --version.
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = QuireCli.Version.class,
    description = "Visual document retrieval: index PDFs and images, search their pages.")
public final class QuireCli {

  /**
   * The subcommands, in the order help lists them. Only the one named on the command line is
   * built: picocli reflects over every option of every command it is given, a fifth of a second
   * of each start when all of them are.
   */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("demo", DemoCommand::new);
    SUBCOMMANDS.put("index", IndexCommand::new);
    SUBCOMMANDS.put("search", SearchCommand::new);
    SUBCOMMANDS.put("info", InfoCommand::new);
    SUBCOMMANDS.put("documents", DocumentsCommand::new);
    SUBCOMMANDS.put("delete", DeleteCommand::new);
    SUBCOMMANDS.put("serve", ServeCommand::new);
    SUBCOMMANDS.put("train", TrainCommand::new);
    SUBCOMMANDS.put("train-bench", TrainBenchCommand::new);
    SUBCOMMANDS.put("embed", EmbedCommand::new);
    SUBCOMMANDS.put("generate", GenerateCommand::new);
    SUBCOMMANDS.put("classify", ClassifyCommand::new);
    SUBCOMMANDS.put("extract", ExtractCommand::new);
    SUBCOMMANDS.put("ask", AskCommand::new);
    // quire eval lives in the evaluation module, which does not know the model family we ship.
    SUBCOMMANDS.put("eval", () -> new EvalCommand(ModelOptions::openFromEnvironment));
    SUBCOMMANDS.put("help", CommandLine.HelpCommand::new);
  }

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(commandLine(args).execute(args));
  }

  /**
   * The command line for {@code args}: with only the subcommand they name when they start with one
   * (other than {@code help}, which needs them all), else with every subcommand.
   */
  static CommandLine commandLine(String... args) {
    CommandLine cli = new CommandLine(new QuireCli());
    String named = args.length > 0 && !args[0].equals("help") && SUBCOMMANDS.containsKey(args[0]) ? args[0] : null;
    SUBCOMMANDS.forEach((name, command) -> {
      if (named == null || named.equals(name)) {
        cli.addSubcommand(name, command.get());
      }
    });
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
