package dev.tralign.evaluator.guard;

import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import java.util.Map;

/**
 * One failure signature seen in a run, before it becomes an Alert record.
 *
 * @param kind which signature
 * @param severity how bad
 * @param step the checkpoint (or optimizer) step it was seen at
 * @param message one line for a person, with the numbers
 * @param evidence the numbers behind the verdict, by name
 */
public record Finding(AlertKind kind, AlertSeverity severity, long step, String message, Map<String, Double> evidence) {

    public Finding {
        evidence = Map.copyOf(evidence);
    }
}
