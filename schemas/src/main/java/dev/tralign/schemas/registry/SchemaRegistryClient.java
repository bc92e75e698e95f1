package dev.tralign.schemas.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The calls tralign makes to a Confluent-compatible schema registry. Implementations cache what never changes
 * (schema by id, id by subject and schema) and are safe to share between threads.
 * Every failure is a {@link SchemaRegistryException}.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers {@code schema} under {@code subject} (a no-op returning the same id if already there). */
    int register(String subject, Schema schema);

    /** The schema with this global id (cached: ids never change meaning). */
    Schema getById(int id);

    /** The newest live version of the subject. */
    RegisteredSchema latest(String subject);

    /** A given version of the subject. */
    RegisteredSchema version(String subject, int version);

    /** The version of {@code subject} holding exactly this schema, or empty when the subject lacks it. */
    Optional<RegisteredSchema> lookup(String subject, Schema schema);

    /** True when {@code schema} could be registered under the subject's compatibility level. */
    boolean testCompatibility(String subject, Schema schema);

    /** The global compatibility level. */
    CompatibilityLevel getConfig();

    /** The subject's own level, or the global one when the subject has none. */
    CompatibilityLevel getConfig(String subject);

    /** Sets the global compatibility level. */
    void setConfig(CompatibilityLevel level);

    /** Sets a subject's compatibility level. */
    void setConfig(String subject, CompatibilityLevel level);

    /** All subjects with at least one live version. */
    List<String> subjects();

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }
}
