package dev.tralign.ingest.parse;

/**
 * Size limits for input, checked before anything is published.
 *
 * @param maxTextBytes   the largest prompt/completion in UTF-8 bytes (option --max-text-bytes)
 * @param maxRecordBytes the largest input record (one JSON line or array element) in bytes
 *                       (option --max-record-bytes); longer lines are skipped without being buffered
 */
public record IngestLimits(int maxTextBytes, int maxRecordBytes) {

    /** 64 KiB per text, 512 KiB per record. */
    public static final IngestLimits DEFAULTS = new IngestLimits(64 * 1024, 512 * 1024);

    /** Validates the limits with messages naming the option and the fix. */
    public IngestLimits {
        if (maxTextBytes < 1) {
            throw new IllegalArgumentException("--max-text-bytes must be at least 1, was " + maxTextBytes);
        }
        if (maxRecordBytes < maxTextBytes) {
            throw new IllegalArgumentException("--max-record-bytes (" + maxRecordBytes
                    + ") must be at least --max-text-bytes (" + maxTextBytes + "); raise it or lower the text limit");
        }
    }
}
