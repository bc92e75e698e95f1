package dev.tralign.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Decides whether a candidate schema may join a subject, with Avro's own reader/writer rules
 * ({@link SchemaCompatibility}). Pure logic: shared by the registry server and the in-memory client.
 */
public final class CompatibilityChecker {

    private CompatibilityChecker() {
    }

    /**
     * Checks {@code candidate} against the subject's existing schemas.
     *
     * @param existing the subject's live schemas, oldest first
     * @return an empty list when compatible, else one human-readable problem per failed check
     */
    public static List<String> problems(Schema candidate, List<Schema> existing, CompatibilityLevel level) {
        List<String> problems = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || existing.isEmpty()) {
            return problems;
        }
        List<Schema> against = level.transitive() ? existing : List.of(existing.get(existing.size() - 1));
        for (Schema previous : against) {
            if (level.backward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, previous),
                        "new schema cannot read data written with an earlier schema (BACKWARD)", problems);
            }
            if (level.forward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(previous, candidate),
                        "an earlier schema cannot read data written with the new schema (FORWARD)", problems);
            }
        }
        return problems;
    }

    /** True when {@link #problems} finds none. */
    public static boolean isCompatible(Schema candidate, List<Schema> existing, CompatibilityLevel level) {
        return problems(candidate, existing, level).isEmpty();
    }

    private static void describe(SchemaPairCompatibility result, String what, List<String> problems) {
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        StringBuilder text = new StringBuilder(what);
        result.getResult().getIncompatibilities().forEach(incompatibility -> text.append("; ")
                .append(incompatibility.getType()).append(" at ").append(incompatibility.getLocation())
                .append(": ").append(incompatibility.getMessage()));
        problems.add(text.toString());
    }
}
