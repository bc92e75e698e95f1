package dev.tralign.ingest.file;

import dev.tralign.ingest.parse.ErrorClass;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What happened to one file. accepted + duplicates + deadLettered = records read. {@code published} counts what
 * this run sent; the rest of the file was already published by an earlier run that stopped part-way.
 *
 * @param file           the file
 * @param sha256         its content hash (the resume key)
 * @param accepted       distinct valid pairs/feedback
 * @param duplicates     valid records whose id was seen before in this import
 * @param deadLettered   rejected records, sent to the DLQ
 * @param published      records (accepted + dead-lettered) this run sent
 * @param byErrorClass   dead letters per error class
 * @param sampleReasons  the first few dead-letter reasons, with their origin
 */
public record FileSummary(Path file, String sha256, long accepted, long duplicates, long deadLettered,
                          long published, Map<ErrorClass, Long> byErrorClass, List<String> sampleReasons) {

    /** Records read from the file. */
    public long records() {
        return accepted + duplicates + deadLettered;
    }

    /** One-paragraph human summary. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(file).append(": ").append(records()).append(" records: ").append(accepted).append(" accepted, ")
                .append(duplicates).append(" duplicate, ").append(deadLettered).append(" dead-lettered");
        if (published < accepted + deadLettered) {
            out.append(" (").append(accepted + deadLettered - published)
                    .append(" already published by an earlier run, resumed after them)");
        }
        byErrorClass.forEach((errorClass, count) -> out.append("\n  ").append(errorClass).append(": ").append(count));
        sampleReasons.forEach(reason -> out.append("\n  e.g. ").append(reason));
        return out.toString();
    }
}
