package dev.quire.server.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.status.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogConfigurationTest {

  private static LoggerContext configured(Map<String, String> environment) {
    LoggerContext context = new LoggerContext();
    LogConfiguration configuration = new LogConfiguration(environment);
    configuration.setContext(context);
    assertThat(configuration.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    return context;
  }

  @Test
  void logbackFindsItAndTheCommandLineOnlyHearsWarnings() {
    // The test JVM's own logging was set up by logback through the service file.
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNotNull();

    LoggerContext defaults = configured(Map.of());
    assertThat(defaults.getLogger("dev.quire.index").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(defaults.getLogger("dev.quire.server.QuireServer").getEffectiveLevel()).isEqualTo(Level.INFO);
    assertThat(defaults.getLogger("org.apache.pdfbox.pdmodel.font").getEffectiveLevel()).isEqualTo(Level.ERROR);
  }

  @Test
  void accessAndAuditLinesGoToTheirOwnAppenderOnly() {
    LoggerContext context = configured(Map.of("QUIRE_ACCESS_LOG_LEVEL", "off"));
    Logger access = context.getLogger("quire.access");
    Logger audit = context.getLogger("quire.audit");
    assertThat(access.isAdditive()).isFalse();
    assertThat(audit.isAdditive()).isFalse();
    assertThat(access.getAppender("JSON_LINES")).isNotNull();
    assertThat(access.getEffectiveLevel()).isEqualTo(Level.OFF);
    assertThat(audit.getEffectiveLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void quireLogLevelSetsEverythingElseAndABadOneIsReported() {
    LoggerContext debug = configured(Map.of("QUIRE_LOG_LEVEL", "Debug"));
    assertThat(debug.getLogger("dev.quire.index").getEffectiveLevel()).isEqualTo(Level.DEBUG);
    assertThat(debug.getLogger("dev.quire.server").getEffectiveLevel()).isEqualTo(Level.DEBUG);

    LoggerContext bad = configured(Map.of("QUIRE_LOG_LEVEL", "verbose"));
    assertThat(bad.getLogger("dev.quire.index").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(bad.getStatusManager().getCopyOfStatusList())
        .anySatisfy(status -> {
          assertThat(status.getLevel()).isEqualTo(Status.WARN);
          assertThat(status.getMessage()).contains("QUIRE_LOG_LEVEL=verbose is not a log level");
        });
  }
}
