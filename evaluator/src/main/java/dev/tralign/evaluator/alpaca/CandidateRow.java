package dev.tralign.evaluator.alpaca;

import dev.tralign.evaluator.winrate.LengthControlledWinRate;
import dev.tralign.evaluator.winrate.WinRateStats;

/**
 * One leaderboard row: a candidate (generator_2) and its win-rate statistics against the baseline.
 *
 * @param candidate the candidate's name
 * @param stats its statistics
 * @param lengthControlled its length-controlled win rate (AlpacaEval's length_controlled_minimal)
 */
public record CandidateRow(String candidate, WinRateStats stats, LengthControlledWinRate lengthControlled) {
}
