package dev.quire.cli.eval;

import dev.quire.encoder.MultiVectorEncoder;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads the model {@code quire eval --model DIR [--lora DIR]} names. The command does not know
 * which model family a folder holds; whoever builds the {@code quire} command line passes the
 * loader of the encoder it ships (see {@link EvalCommand#EvalCommand(EncoderLoader)}).
 */
@FunctionalInterface
public interface EncoderLoader {

  /** A loader for a build that ships no encoder: {@code --model} is refused with the reason. */
  EncoderLoader NONE = (model, lora) -> {
    throw new IOException("--model " + model + ": this quire build has no model loader; run"
        + " without --model for BM25, or through a quire command line built with an encoder");
  };

  /**
   * Opens a checkpoint folder.
   *
   * @param lora a PEFT adapter folder for it, or null
   * @throws IOException naming the folder or file that is missing or wrong
   */
  MultiVectorEncoder load(Path model, Path lora) throws IOException;
}
