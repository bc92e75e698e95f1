package dev.tralign.evaluator.report;

/**
 * One checkpoint of a run: win rate against the SFT baseline with its interval, the length-controlled win rate,
 * and KL to SFT.
 *
 * @param step checkpoint step
 * @param winRate win rate in percent
 * @param low lower end of the interval, percent (Wilson 95%)
 * @param high upper end, percent
 * @param klPerSequence KL to SFT in nats per sequence, null when not measured
 * @param nTotal judgments counted
 * @param lengthControlled AlpacaEval's length-controlled win rate in percent, null when not available
 */
public record WinRatePoint(long step, double winRate, double low, double high, Double klPerSequence, long nTotal,
        Double lengthControlled) {

    /** A point without a length-controlled win rate. */
    public WinRatePoint(long step, double winRate, double low, double high, Double klPerSequence, long nTotal) {
        this(step, winRate, low, high, klPerSequence, nTotal, null);
    }
}
