package dev.tralign.evaluator.online;

import dev.tralign.evaluator.winrate.Preferences;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.PreferencePair;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Pure rules that turn one judgment of a policy sample into a preference pair: which judgments qualify and what
 * the pair holds. The Kafka side lives in {@link OnlineFeedbackTopology}.
 */
public final class OnlinePairs {

    /** Metadata key: the run whose checkpoint produced the candidate. */
    public static final String RUN = "run";
    /** Metadata key: the checkpoint step the candidate was sampled and judged at (the trainer's guard rail). */
    public static final String JUDGED_AT_STEP = "judged_at_step";
    /** Metadata key: the judge's name (gold, llm:&lt;model&gt;, ...). */
    public static final String JUDGE = "judge";
    /** Metadata key: the eval prompt's id. */
    public static final String PROMPT_ID = "prompt_id";
    /** Metadata key: the normalised preference in [1,2] the pair was made from. */
    public static final String PREFERENCE = "preference";
    /** Prefix of {@link PreferencePair#getSource()}: online:&lt;run&gt;. */
    public static final String SOURCE_PREFIX = "online:";

    private OnlinePairs() {
    }

    /**
     * The judgment's preference when it may become a pair: decided (AlpacaEval normalisation, so missing and
     * out-of-range ones are empty, identical outputs tie), not a tie, at least {@code minConfidence} from 1.5, and
     * with two texts that still differ once trimmed (ingest refuses such pairs too).
     */
    public static OptionalDouble decisive(Judgment judgment, OnlineFeedbackOptions options) {
        OptionalDouble preference = Preferences.normalise(judgment.getPreference(), judgment.getCandidate(),
                judgment.getBaseline());
        if (preference.isEmpty()) {
            return preference;
        }
        double distance = Math.abs(preference.getAsDouble() - Preferences.TIE);
        boolean sameText = judgment.getCandidate().strip().equals(judgment.getBaseline().strip());
        return distance == 0 || distance < options.minConfidence() || sameText ? OptionalDouble.empty() : preference;
    }

    /**
     * The pair for a decisive judgment: the candidate is chosen when the preference is above 1.5, the baseline
     * otherwise; id = content hash of (prompt, chosen, rejected) as in ingest; source online:&lt;run&gt;, annotator
     * = the judge, score margin = chosen score - rejected score when the judge scored both.
     */
    public static PreferencePair pair(Judgment judgment, double preference, String prompt, Instant createdAt) {
        boolean candidateChosen = preference > Preferences.TIE;
        String chosen = candidateChosen ? judgment.getCandidate() : judgment.getBaseline();
        String rejected = candidateChosen ? judgment.getBaseline() : judgment.getCandidate();
        Double chosenScore = candidateChosen ? judgment.getCandidateScore() : judgment.getBaselineScore();
        Double rejectedScore = candidateChosen ? judgment.getBaselineScore() : judgment.getCandidateScore();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(RUN, judgment.getRunId());
        metadata.put(JUDGED_AT_STEP, Long.toString(judgment.getStep()));
        metadata.put(JUDGE, judgment.getJudge());
        metadata.put(PROMPT_ID, judgment.getPromptId());
        metadata.put(PREFERENCE, Double.toString(preference));
        return PreferencePair.newBuilder()
                .setId(PairIds.pairId(prompt, chosen, rejected))
                .setPrompt(prompt)
                .setChosen(chosen)
                .setRejected(rejected)
                .setSource(SOURCE_PREFIX + judgment.getRunId())
                .setCreatedAt(createdAt)
                .setAnnotator(judgment.getJudge())
                .setScoreMargin(chosenScore != null && rejectedScore != null ? chosenScore - rejectedScore : null)
                .setMetadata(metadata)
                .build();
    }
}
