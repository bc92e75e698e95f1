package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoundRunIdsTest {

    @Test
    void aRoundIdNamesItsSeriesRoundAndBaseStep() {
        String id = RoundRunIds.of("demo-x-tr-dpo-soft-online", 3, 219);
        assertThat(id).isEqualTo("demo-x-tr-dpo-soft-online.round3.from219");
        RoundRunIds.Round round = RoundRunIds.parse(id).orElseThrow();
        assertThat(round).isEqualTo(new RoundRunIds.Round("demo-x-tr-dpo-soft-online", 3, 219));
        assertThat(round.seriesStep(0)).isEqualTo(219);
        assertThat(round.seriesStep(50)).isEqualTo(269);
    }

    @Test
    void seriesWithDotsOrRoundLikePartsParseToTheLastRound() {
        assertThat(RoundRunIds.parse(RoundRunIds.of("a.round1.from2", 4, 5)).orElseThrow())
                .isEqualTo(new RoundRunIds.Round("a.round1.from2", 4, 5));
        assertThat(RoundRunIds.parse(RoundRunIds.of("v1.2", 0, 0)).orElseThrow().series()).isEqualTo("v1.2");
    }

    @Test
    void otherRunIdsAreNotRounds() {
        assertThat(RoundRunIds.parse("tr-dpo-soft")).isEmpty();
        assertThat(RoundRunIds.parse("tr-dpo.online")).isEmpty();
        assertThat(RoundRunIds.parse("x.round.from3")).isEmpty();
        assertThat(RoundRunIds.parse("x.round1.from")).isEmpty();
        assertThat(RoundRunIds.parse(".round1.from3")).isEmpty();
        assertThat(RoundRunIds.parse("x.round1.from99999999999999999999")).isEmpty();
        assertThatThrownBy(() -> RoundRunIds.of("x", -1, 0)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> RoundRunIds.of("x", 0, -5)).hasMessageContaining(">= 0");
    }

    @Test
    void theEvaluatorPublishesARoundsCheckpointsAsItsSeriesSteps() {
        assertThat(RoundRunIds.seriesStep(RoundRunIds.of("s", 2, 40), 7))
                .isEqualTo(new dev.tralign.evaluator.service.PublishedAs.RunStep("s", 47));
        assertThat(RoundRunIds.seriesStep("plain-run", 7))
                .isEqualTo(new dev.tralign.evaluator.service.PublishedAs.RunStep("plain-run", 7));
    }
}
