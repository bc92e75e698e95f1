package dev.tralign.app.cli;

import dev.tralign.schemas.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code tralign topics create} does to each tralign topic, decided from the specs and what the cluster already
 * holds: a missing topic is created; an existing one is left as it is, with a warning when it has fewer partitions
 * than asked or a config other than its spec's (changing either is the operator's call: more partitions move keys
 * between partitions, and a run's batches depend on its input partitions). Pure: the command does the I/O.
 */
final class TopicPlan {

    /** A topic the cluster already has: its partition count and the values of the configs its spec names. */
    record Existing(int partitions, Map<String, String> configs) {
    }

    /** One topic's line: created (or to be created) when {@code existing} is null. */
    record Row(TopicSpec spec, int partitions, Existing existing, List<String> warnings) {

        boolean create() {
            return existing == null;
        }
    }

    private final List<Row> rows;

    private TopicPlan(List<Row> rows) {
        this.rows = rows;
    }

    /**
     * The plan for {@code specs} at {@code partitions} partitions each, given the topics the cluster holds (by name;
     * a name absent from {@code existing} is missing).
     */
    static TopicPlan of(List<TopicSpec> specs, int partitions, Map<String, Existing> existing) {
        List<Row> rows = new ArrayList<>();
        for (TopicSpec spec : specs) {
            Existing found = existing.get(spec.name());
            List<String> warnings = new ArrayList<>();
            if (found != null) {
                if (found.partitions() < partitions) {
                    warnings.add(found.partitions() + (found.partitions() == 1 ? " partition" : " partitions")
                            + ", fewer than the " + partitions + " asked (not "
                            + "changed; kafka-topics --alter --partitions adds some, and moves keys)");
                }
                spec.configs().forEach((key, wanted) -> {
                    String actual = found.configs().get(key);
                    if (!Objects.equals(actual, wanted)) {
                        warnings.add(key + "=" + actual + ", not " + wanted + " (not changed; kafka-configs --alter "
                                + "--add-config " + key + "=" + wanted + " sets it)");
                    }
                });
            }
            rows.add(new Row(spec, found == null ? partitions : found.partitions(), found, List.copyOf(warnings)));
        }
        return new TopicPlan(List.copyOf(rows));
    }

    List<Row> rows() {
        return rows;
    }

    /** The specs of the topics to create. */
    List<TopicSpec> toCreate() {
        return rows.stream().filter(Row::create).map(Row::spec).toList();
    }

    /** How many existing topics have a warning. */
    long warnings() {
        return rows.stream().filter(r -> !r.warnings().isEmpty()).count();
    }

    /**
     * The table printed at the end: topic, partitions, configs and what happened. {@code failures} maps a topic
     * whose creation failed to the broker's reason; with {@code dryRun} nothing was created.
     */
    String table(boolean dryRun, Map<String, String> failures) {
        int width = Math.max("topic".length(), rows.stream().mapToInt(r -> r.spec().name().length()).max().orElse(0));
        int configWidth = Math.max("configs".length(),
                rows.stream().mapToInt(r -> r.spec().configText().length()).max().orElse(0));
        String format = "%-" + width + "s  %10s  %-" + configWidth + "s  %s%n";
        StringBuilder out = new StringBuilder(String.format(format, "topic", "partitions", "configs", "result"));
        for (Row row : rows) {
            String result;
            if (!row.create()) {
                result = row.warnings().isEmpty() ? "exists" : "exists; warning: " + String.join("; ", row.warnings());
            } else if (dryRun) {
                result = "would create";
            } else if (failures.containsKey(row.spec().name())) {
                result = "FAILED: " + failures.get(row.spec().name());
            } else {
                result = "created";
            }
            out.append(String.format(format, row.spec().name(), row.partitions(), row.spec().configText(), result));
        }
        long created = rows.stream().filter(r -> r.create() && !failures.containsKey(r.spec().name())).count();
        long existed = rows.size() - toCreate().size();
        String warned = warnings() == 0 ? "" : " (" + warnings() + " with warnings)";
        if (toCreate().isEmpty()) {
            out.append("nothing to create: all ").append(existed).append(" topics exist").append(warned)
                    .append(System.lineSeparator());
        } else {
            out.append(dryRun ? "would create " : "created ").append(created).append(", existed ").append(existed)
                    .append(warned).append(failures.isEmpty() ? "" : ", failed " + failures.size())
                    .append(System.lineSeparator());
        }
        return out.toString();
    }
}
