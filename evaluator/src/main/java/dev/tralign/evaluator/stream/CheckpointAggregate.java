package dev.tralign.evaluator.stream;

import dev.tralign.evaluator.kl.KlAccumulator;
import dev.tralign.evaluator.winrate.LengthJudgments;
import dev.tralign.evaluator.winrate.WinRateAccumulator;
import dev.tralign.schemas.avro.Judgment;
import java.util.Objects;

/**
 * Everything one (run, step) aggregates from its evaluation records: the verdicts (win rate) and the candidates'
 * log-probs (KL to SFT), both from the same Judgment, so neither waits for the other. Immutable, with add and
 * subtract so the table's update of a re-judged prompt retracts the old record exactly.
 *
 * @param judged the verdicts; a missing verdict is not counted (AlpacaEval)
 * @param kl the samples that carry both log-probs; a missing verdict's sample still counts
 * @param lengths each prompt's output lengths and preference, for the length-controlled win rate (a missing
 *     verdict's lengths still count in the spread of length differences, as in AlpacaEval)
 */
public record CheckpointAggregate(WinRateAccumulator judged, KlAccumulator kl, LengthJudgments lengths) {

    /** Nothing aggregated. */
    public static final CheckpointAggregate EMPTY = new CheckpointAggregate(WinRateAccumulator.EMPTY,
            KlAccumulator.EMPTY, LengthJudgments.EMPTY);

    public CheckpointAggregate {
        Objects.requireNonNull(judged, "judged");
        Objects.requireNonNull(kl, "kl");
        Objects.requireNonNull(lengths, "lengths");
    }

    /** Adds one evaluation record. */
    public CheckpointAggregate add(Judgment judgment) {
        return new CheckpointAggregate(Records.add(judged, judgment),
                Records.klSample(judgment).map(kl::add).orElse(kl),
                lengths.with(judgment.getPromptId(), Records.lengthJudgment(judgment)));
    }

    /** Retracts a record previously added, exactly undoing {@link #add}. */
    public CheckpointAggregate subtract(Judgment judgment) {
        return new CheckpointAggregate(Records.subtract(judged, judgment),
                Records.klSample(judgment).map(kl::subtract).orElse(kl),
                lengths.without(judgment.getPromptId()));
    }
}
