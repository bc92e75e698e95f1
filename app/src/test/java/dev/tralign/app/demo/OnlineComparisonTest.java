package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tralign.schemas.avro.WinRate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnlineComparisonTest {

    private static WinRate point(long step, double winRate, Double kl) {
        return WinRate.newBuilder().setRunId("r").setStep(step).setNWins(0).setNWinsBase(0).setNDraws(0)
                .setNTotal(100).setWinRate(winRate).setStandardError(1).setDiscreteWinRate(winRate)
                .setWilsonLow(winRate - 5).setWilsonHigh(winRate + 5).setKlToSft(kl)
                .setAt(Instant.parse("2026-01-01T00:00:00Z")).build();
    }

    @Test
    void comparesFinalBestAndWinRatesAtKlsBothCurvesReach() {
        // Given out of order: the curve sorts by step.
        OnlineComparison.Curve online = new OnlineComparison.Curve("tr-dpo-soft+online",
                List.of(point(200, 70, 12.0), point(100, 80, 6.0)));
        OnlineComparison.Curve offline = new OnlineComparison.Curve("tr-dpo-soft",
                List.of(point(100, 75, 10.0), point(200, 40, 30.0)));
        OnlineComparison c = OnlineComparison.of(online, offline);

        assertThat(c.online().last().getStep()).isEqualTo(200);
        assertThat(c.online().best().getStep()).isEqualTo(100);
        // Both reach KL 5 and 10; the lower final KL is 12; 20 and 40 are beyond the online curve.
        assertThat(c.matched()).extracting(OnlineComparison.AtKl::kl).containsExactly(5.0, 10.0, 12.0);
        OnlineComparison.AtKl at5 = c.matched().get(0);
        // online: (0,50)-(6,80): 50 + 5/6*30 = 75; offline: (0,50)-(10,75): 62.5.
        assertThat(at5.online()).isCloseTo(75.0, within(1e-9));
        assertThat(at5.offline()).isCloseTo(62.5, within(1e-9));
        assertThat(at5.difference()).isCloseTo(12.5, within(1e-9));
        OnlineComparison.AtKl at12 = c.matched().get(2);
        // online: its final point (12, 70); offline: (10,75)-(30,40): 75 - 2/20*35 = 71.5.
        assertThat(at12.online()).isCloseTo(70.0, within(1e-9));
        assertThat(at12.offline()).isCloseTo(71.5, within(1e-9));
        assertThat(c.text()).contains("final:").contains("-> +30.0").contains("KL  12.0: 70.0 vs 71.5  -> -1.5");
    }

    @Test
    void pointsWithoutKlAreLeftOutOfTheKlCurveAndAnEmptyCurveIsRefused() {
        OnlineComparison.Curve noKl = new OnlineComparison.Curve("a", List.of(point(50, 60, null)));
        OnlineComparison.Curve other = new OnlineComparison.Curve("b", List.of(point(50, 60, 8.0)));
        OnlineComparison c = OnlineComparison.of(noKl, other);
        assertThat(c.matched()).isEmpty();
        assertThat(c.text()).contains("none (no KL that both curves reach)");
        assertThatThrownBy(() -> new OnlineComparison.Curve("x", List.of())).hasMessageContaining("x has no judged");
    }
}
