package dev.quire.generation.backend;

/** Receives an answer's text as it is written: whole characters, in order. */
@FunctionalInterface
public interface ChatListener {

  void onText(String delta);

  ChatListener NONE = delta -> {};
}
