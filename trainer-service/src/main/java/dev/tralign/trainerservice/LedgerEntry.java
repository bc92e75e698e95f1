package dev.tralign.trainerservice;

import dev.tralign.schemas.avro.StepLedger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One entry of a run's ledger: which examples (and records) one optimizer step trained on. The ledger is the
 * topic {@code <prefix>trainer-ledger} (key run id, Avro {@code StepLedger}), written in the checkpoint's
 * transaction, so its committed content lists every trained step exactly once; streaming replays rebuild their
 * batches from it. Ledgers written before the Avro schema hold text lines ({@link #toLine}); both read back.
 *
 * @param step optimizer step (after the update)
 * @param epoch epoch of the records
 * @param ids example ids in training order
 * @param origins topic/partition@offset of the records, in order
 * @param microBatches how many of those records each micro-batch took, in order (one entry per
 *     gradient-accumulation micro-batch; they sum to the number of origins)
 */
public record LedgerEntry(long step, int epoch, List<String> ids, List<String> origins, List<Integer> microBatches)
        implements RunEvent {

    public LedgerEntry {
        ids = List.copyOf(ids);
        origins = List.copyOf(origins);
        microBatches = List.copyOf(microBatches);
        if (microBatches.stream().mapToInt(Integer::intValue).sum() != origins.size()) {
            throw new IllegalArgumentException("ledger step " + step + ": micro-batch sizes " + microBatches
                    + " do not add up to its " + origins.size() + " records");
        }
    }

    /** A step of one micro-batch holding every record. */
    public LedgerEntry(long step, int epoch, List<String> ids, List<String> origins) {
        this(step, epoch, ids, origins, List.of(origins.size()));
    }

    /** The origins cut into micro-batches. */
    public List<List<String>> microBatchOrigins() {
        List<List<String>> out = new java.util.ArrayList<>();
        int from = 0;
        for (int size : microBatches) {
            out.add(origins.subList(from, from + size));
            from += size;
        }
        return out;
    }

    /**
     * A ledger record's value: Avro in Confluent's wire format (magic byte 0, what the trainer writes), or a text
     * line of an older ledger (it starts with the step's digits).
     */
    public static LedgerEntry decode(byte[] value, Function<byte[], StepLedger> avro) {
        if (value.length > 0 && value[0] == 0) {
            StepLedger s = avro.apply(value);
            return new LedgerEntry(s.getStep(), s.getEpoch(), s.getIds(), s.getOrigins(), s.getMicroBatchSizes());
        }
        return parse(new String(value, StandardCharsets.UTF_8));
    }

    /** {@code step \t epoch \t id,id,... \t origin,origin,... \t size,size,...}: the text form of older ledgers. */
    public String toLine() {
        return step + "\t" + epoch + "\t" + String.join(",", ids) + "\t" + String.join(",", origins) + "\t"
                + microBatches.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** Inverse of {@link #toLine}; a line of 4 fields (written before micro-batch sizes were) is one micro-batch. */
    public static LedgerEntry parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 4 && f.length != 5) {
            throw new IllegalArgumentException("ledger line has " + f.length + " fields, expected 5: " + line);
        }
        List<String> origins = split(f[3]);
        List<Integer> sizes = f.length == 4 ? List.of(origins.size())
                : split(f[4]).stream().map(Integer::valueOf).toList();
        return new LedgerEntry(Long.parseLong(f[0]), Integer.parseInt(f[1]), split(f[2]), origins, sizes);
    }

    private static List<String> split(String s) {
        return s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
    }
}
