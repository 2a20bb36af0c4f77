package dev.quire.server;

/** The server's configuration is wrong; the message names the setting, its source and why. */
public final class InvalidConfigException extends Exception {
  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
