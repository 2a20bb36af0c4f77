package dev.quire.generation.backend;

import java.util.List;

/**
 * A generated token as the OpenAI API reports it: its text (a token may hold part of a character:
 * then {@code bytes} says which), its log-probability, and the most likely alternatives.
 * {@code drawnLogprob} is its log-probability under the distribution it was chosen from (after a
 * schema's mask): the in-process backend knows it, a remote one reports {@code logprob} again.
 */
public record ChatLogprob(String token, byte[] bytes, double logprob, double drawnLogprob,
    List<ChatLogprob> top) {
  public ChatLogprob {
    bytes = bytes.clone();
    top = List.copyOf(top);
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }
}
