package dev.tralign.trainerservice.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of a streaming run, in the order it trained them and cut into its micro-batches, as its ledger
 * recorded them: what a replay feeds back in. A streaming run's batches depend on arrival timing, so unlike a
 * bounded run they cannot be recomputed from offsets; the ledger is the only source of truth.
 */
public final class ReplaySchedule {

    /** One record to hand out; {@code endsMicroBatch} marks the last record of a micro-batch. */
    public record Item(TopicPartition partition, long offset, boolean endsMicroBatch) {
    }

    /** One ledger step: its optimizer step and the records of each of its micro-batches. */
    public record Step(long step, List<List<String>> microBatches) {

        public Step {
            microBatches = microBatches.stream().map(List::copyOf).toList();
        }
    }

    private final List<Item> items;

    private ReplaySchedule(List<Item> items) {
        this.items = List.copyOf(items);
    }

    /**
     * The schedule of {@code steps} after {@code resumedAtStep} (0 for a fresh replay). Steps must run 1, 2, ...
     * without gaps: a gap means the ledger is incomplete (e.g. read without read_committed) and cannot be replayed.
     */
    public static ReplaySchedule of(List<Step> steps, long resumedAtStep) {
        List<Item> items = new ArrayList<>();
        long expected = 1;
        for (Step s : steps) {
            if (s.step() != expected) {
                throw new IllegalArgumentException("the ledger jumps from step " + (expected - 1) + " to step "
                        + s.step() + ": it is incomplete and cannot be replayed");
            }
            expected++;
            if (s.step() <= resumedAtStep) {
                continue;
            }
            for (List<String> batch : s.microBatches()) {
                if (batch.isEmpty()) {
                    throw new IllegalArgumentException("ledger step " + s.step() + " has an empty micro-batch");
                }
                for (int i = 0; i < batch.size(); i++) {
                    items.add(parse(batch.get(i), i == batch.size() - 1));
                }
            }
        }
        if (resumedAtStep > 0 && expected - 1 < resumedAtStep) {
            throw new IllegalArgumentException("the replay resumes at step " + resumedAtStep + " but the ledger "
                    + "ends at step " + (expected - 1));
        }
        return new ReplaySchedule(items);
    }

    /** Parses the ledger's {@code topic/partition@offset}. */
    static Item parse(String origin, boolean endsMicroBatch) {
        Objects.requireNonNull(origin, "origin");
        int at = origin.lastIndexOf('@');
        int slash = origin.lastIndexOf('/', at);
        if (at < 0 || slash < 0) {
            throw new IllegalArgumentException("ledger origin '" + origin + "' is not topic/partition@offset");
        }
        try {
            return new Item(new TopicPartition(origin.substring(0, slash),
                    Integer.parseInt(origin.substring(slash + 1, at))), Long.parseLong(origin.substring(at + 1)),
                    endsMicroBatch);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ledger origin '" + origin + "' is not topic/partition@offset", e);
        }
    }

    public List<Item> items() {
        return items;
    }
}
