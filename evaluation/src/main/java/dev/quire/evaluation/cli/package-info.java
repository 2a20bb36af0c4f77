/**
 * The {@code quire eval} command ({@link dev.quire.evaluation.cli.EvalCommand}) and its {@code
 * metrics} subcommand, as picocli commands the {@code quire} command line registers.
 */
package dev.quire.evaluation.cli;
