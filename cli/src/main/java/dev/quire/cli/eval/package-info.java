/**
 * The {@code quire eval} command ({@link dev.quire.cli.eval.EvalCommand}) and its {@code
 * metrics} subcommand, as picocli commands the {@code quire} command line registers.
 */
package dev.quire.cli.eval;
