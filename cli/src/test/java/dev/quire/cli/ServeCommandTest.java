package dev.quire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {

  @TempDir Path data;

  @Test
  void invalidSettingsStopTheStartWithTheReason() {
    String[] args = {"serve", "--host", "0.0.0.0", "--data", data.toString(), "--no-sample"};
    CommandLine cli = QuireCli.commandLine(args);
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("quire: error: invalid settings:")
        .contains("no API keys are configured");
  }
}
