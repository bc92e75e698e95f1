package dev.tralign.ingest.file;

import java.util.List;

/** The outcome of one {@code importFiles} call: one summary per file and the totals. */
public record ImportSummary(List<FileSummary> files, double seconds) {

    /** Distinct accepted records over all files. */
    public long accepted() {
        return files.stream().mapToLong(FileSummary::accepted).sum();
    }

    /** Duplicates over all files. */
    public long duplicates() {
        return files.stream().mapToLong(FileSummary::duplicates).sum();
    }

    /** Dead letters over all files. */
    public long deadLettered() {
        return files.stream().mapToLong(FileSummary::deadLettered).sum();
    }

    /** Records read over all files. */
    public long records() {
        return accepted() + duplicates() + deadLettered();
    }

    /** Records sent by this run. */
    public long published() {
        return files.stream().mapToLong(FileSummary::published).sum();
    }

    /** The final summary printed by {@code tralign ingest file}. */
    public String render() {
        StringBuilder out = new StringBuilder();
        files.forEach(f -> out.append(f.render()).append('\n'));
        out.append(String.format(java.util.Locale.ROOT,
                "total: %d accepted, %d duplicate, %d dead-lettered (%d published by this run) in %.1f s",
                accepted(), duplicates(), deadLettered(), published(), seconds));
        return out.toString();
    }
}
