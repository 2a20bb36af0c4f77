package dev.quire.server.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * Quire's logging, set up in code (found by logback through {@code ServiceLoader}): logback's XML
 * configurator loads about a thousand classes, a quarter of a second of every command's start.
 *
 * <p>The command line talks to people on stdout, so the log only says what went wrong, on stderr.
 * {@code quire serve} writes one JSON object per line to stdout for log collectors: requests
 * ({@code quire.access}) and who indexed or deleted what ({@code quire.audit}). {@code
 * QUIRE_LOG_LEVEL} sets the level of everything else ({@code debug} shows it all), {@code
 * QUIRE_ACCESS_LOG_LEVEL} that of the access log ({@code off} silences it). A file named by
 * {@code -Dlogback.configurationFile} replaces all of this.
 */
public final class LogConfiguration extends ContextAwareBase implements Configurator {

  private final Map<String, String> environment;

  public LogConfiguration() {
    this(System.getenv());
  }

  LogConfiguration(Map<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Level level = level("QUIRE_LOG_LEVEL", null);
    ConsoleAppender<ILoggingEvent> stderr = console(context, "STDERR", "System.err", "%level %logger{20}: %msg%n");
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level == null ? Level.WARN : level);
    root.addAppender(stderr);

    ConsoleAppender<ILoggingEvent> jsonLines = console(context, "JSON_LINES", "System.out", "%msg%n");
    jsonLines(context, "quire.access", level("QUIRE_ACCESS_LOG_LEVEL", Level.INFO), jsonLines);
    jsonLines(context, "quire.audit", Level.INFO, jsonLines);

    context.getLogger("dev.quire.server").setLevel(level == null ? Level.INFO : level);
    // PDFBox reports every font it substitutes; only failures matter to a user.
    context.getLogger("org.apache.pdfbox").setLevel(Level.ERROR);
    context.getLogger("org.apache.fontbox").setLevel(Level.ERROR);
    // Short commands run without C2, where Lucene warns that it cannot vectorise: not for them.
    context.getLogger("org.apache.lucene.internal.vectorization").setLevel(Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The level named by an environment variable (logback's names, any case), else {@code fallback}. */
  private Level level(String variable, Level fallback) {
    String value = environment.get(variable);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    Level level = Level.toLevel(value.trim(), null);
    if (level == null) {
      addWarn(variable + "=" + value + " is not a log level (trace, debug, info, warn, error, off)");
      return fallback;
    }
    return level;
  }

  private static void jsonLines(LoggerContext context, String name, Level level, ConsoleAppender<ILoggingEvent> appender) {
    Logger logger = context.getLogger(name);
    logger.setLevel(level);
    logger.setAdditive(false);
    logger.addAppender(appender);
  }

  private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String name, String target, String pattern) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(name);
    appender.setTarget(target);
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }
}
