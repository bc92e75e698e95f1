package dev.tralign.evaluator.dashboard;

import dev.tralign.schemas.avro.WinRate;
import java.time.Instant;

/** WinRate records for dashboard tests. */
final class TestWinRates {

    private TestWinRates() {
    }

    static WinRate of(String run, long step, double winRate, Double kl) {
        return WinRate.newBuilder().setRunId(run).setStep(step).setNWins(1).setNWinsBase(1).setNDraws(0)
                .setNTotal(2).setWinRate(winRate).setStandardError(Double.NaN).setDiscreteWinRate(winRate)
                .setWilsonLow(Math.max(0, winRate - 10)).setWilsonHigh(Math.min(100, winRate + 10))
                .setKlToSft(kl).setKlToSftPerToken(null).setMeanGoldScore(null)
                .setAt(Instant.parse("2026-01-01T00:00:00Z")).build();
    }
}
