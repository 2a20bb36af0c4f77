package dev.quire.evaluation.benchmark;

import dev.quire.encoder.EncoderInfo;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The model an evaluation embedded with.
 *
 * @param directory the checkpoint folder given
 * @param lora the adapter folder given, if any
 * @param info the encoder's name, checkpoint hash (weights and adapter) and dimension
 */
public record ModelInfo(Path directory, Optional<Path> lora, EncoderInfo info) {}
