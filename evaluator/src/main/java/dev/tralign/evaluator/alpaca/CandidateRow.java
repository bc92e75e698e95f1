package dev.tralign.evaluator.alpaca;

import dev.tralign.evaluator.winrate.WinRateStats;

/**
 * One leaderboard row: a candidate (generator_2) and its win-rate statistics against the baseline.
 *
 * @param candidate the candidate's name
 * @param stats its statistics
 */
public record CandidateRow(String candidate, WinRateStats stats) {
}
