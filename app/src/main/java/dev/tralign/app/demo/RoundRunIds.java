package dev.tralign.app.demo;

import dev.tralign.evaluator.service.PublishedAs;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Run ids of the rounds of an online run trained as bounded rounds: {@code <series>.round<k>.from<s>} is round k of
 * the run {@code series}, starting from that run's checkpoint at step s. Each round is a trainer run of its own (its
 * offset range is new), counting steps from 0; the evaluator publishes its checkpoint at local step n as the series'
 * step s + n, so the rounds read as one curve. Pure.
 */
public final class RoundRunIds {

    private static final Pattern ROUND = Pattern.compile("(.+)\\.round(\\d+)\\.from(\\d+)");

    private RoundRunIds() {
    }

    /** Round {@code round} of {@code series}, starting at the series' step {@code baseStep}. */
    public static String of(String series, int round, long baseStep) {
        if (round < 0 || baseStep < 0) {
            throw new IllegalArgumentException("round " + round + " from step " + baseStep + ": both must be >= 0");
        }
        return series + ".round" + round + ".from" + baseStep;
    }

    /** The round a run id names, or empty for any other run id. */
    public static Optional<Round> parse(String runId) {
        Matcher m = ROUND.matcher(runId);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Round(m.group(1), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The evaluator's naming for a demo with rounds: a round's checkpoints publish as its series' steps. */
    public static PublishedAs.RunStep seriesStep(String runId, long step) {
        return parse(runId).map(r -> new PublishedAs.RunStep(r.series(), r.seriesStep(step)))
                .orElseGet(() -> new PublishedAs.RunStep(runId, step));
    }

    /**
     * One round.
     *
     * @param series   the online run the round belongs to
     * @param round    0, 1, ...
     * @param baseStep the series step the round starts from (its local step 0)
     */
    public record Round(String series, int round, long baseStep) {

        /** The series step of the round's local step {@code localStep}. */
        public long seriesStep(long localStep) {
            return baseStep + localStep;
        }
    }
}
