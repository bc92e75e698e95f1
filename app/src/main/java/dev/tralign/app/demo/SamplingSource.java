package dev.tralign.app.demo;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Which checkpoint an online round samples from: the latest policy by default; with {@code --online-from-champion}
 * the series' champion (tralign.promotions, as far as the evaluator has judged when the round starts), when its
 * checkpoint is one the series wrote, else the latest. Remembers each series step's checkpoint file.
 */
final class SamplingSource {

    /** Where the sampled policy comes from and why. */
    record Choice(Path checkpoint, long step, boolean champion) {
    }

    private final Supplier<OptionalLong> championStep;
    private final Map<Long, Path> bySeriesStep = new TreeMap<>();

    /** {@code championStep} empty for "always the latest". */
    SamplingSource(Supplier<OptionalLong> championStep) {
        this.championStep = championStep;
    }

    /** The latest policy only. */
    static SamplingSource latest() {
        return new SamplingSource(OptionalLong::empty);
    }

    /** Records the checkpoint file of series step {@code step}. */
    void checkpointed(long step, Path file) {
        bySeriesStep.put(step, file);
    }

    /** The checkpoint to sample from when the latest policy is {@code latest} at series step {@code step}. */
    Choice choose(Path latest, long step) {
        OptionalLong champion = championStep.get();
        if (champion.isPresent() && bySeriesStep.containsKey(champion.getAsLong())) {
            return new Choice(bySeriesStep.get(champion.getAsLong()), champion.getAsLong(), true);
        }
        return new Choice(latest, step, false);
    }
}
