/**
 * AlpacaEval annotation files: reading them and recomputing their leaderboard rows with our win-rate math,
 * which is how the conventions in {@link dev.tralign.evaluator.winrate} are checked against published numbers.
 */
package dev.tralign.evaluator.alpaca;
