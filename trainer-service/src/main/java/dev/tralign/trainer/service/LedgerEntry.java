package dev.tralign.trainer.service;

import java.util.Arrays;
import java.util.List;

/**
 * One line of a run's ledger: which examples (and records) one optimizer step trained on. The ledger is the
 * topic {@code <prefix>trainer-ledger} (key run id), written in the checkpoint's transaction, so its committed
 * content lists every trained step exactly once; streaming replays rebuild their batches from it.
 *
 * @param step optimizer step (after the update)
 * @param epoch epoch of the records
 * @param ids example ids in training order
 * @param origins topic/partition@offset of the records, in order
 */
public record LedgerEntry(long step, int epoch, List<String> ids, List<String> origins) {

    /** Ledger topic suffix. */
    public static final String TOPIC_SUFFIX = "trainer-ledger";

    /** {@code step \t epoch \t id,id,... \t origin,origin,...}. */
    public String toLine() {
        return step + "\t" + epoch + "\t" + String.join(",", ids) + "\t" + String.join(",", origins);
    }

    /** Inverse of {@link #toLine}. */
    public static LedgerEntry parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 4) {
            throw new IllegalArgumentException("ledger line has " + f.length + " fields, expected 4: " + line);
        }
        return new LedgerEntry(Long.parseLong(f[0]), Integer.parseInt(f[1]), split(f[2]), split(f[3]));
    }

    private static List<String> split(String s) {
        return s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
    }
}
