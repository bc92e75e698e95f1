package dev.tralign.schemas.registry;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A registry held in memory, with the same rules as the server (global ids, same schema = same id, compatibility
 * checks). For TopologyTestDriver and other unit tests that need the real serde but no broker.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaStore store = new SchemaStore();

    @Override
    public synchronized int register(String subject, Schema schema) {
        String text = SchemaStore.canonical(schema);
        Optional<StoredSchema> existing = store.find(subject, text);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        List<String> problems = store.compatibilityProblems(subject, schema);
        if (!problems.isEmpty()) {
            throw new SchemaRegistryException("schema for subject '" + subject + "' is incompatible with an earlier"
                    + " version under " + store.effectiveLevel(subject) + " (HTTP 409, error code 409): " + problems,
                    409, SchemaRegistryException.INCOMPATIBLE_SCHEMA);
        }
        int id = store.idOf(text).orElseGet(store::nextId);
        store.apply(new StoredSchema(subject, store.nextVersion(subject), id, text, false));
        return id;
    }

    @Override
    public Schema getById(int id) {
        return store.schema(id).orElseThrow(() -> new SchemaRegistryException(
                "schema id " + id + " not found (HTTP 404, error code 40403)", 404,
                SchemaRegistryException.SCHEMA_NOT_FOUND));
    }

    @Override
    public RegisteredSchema latest(String subject) {
        List<StoredSchema> versions = store.versions(subject, false);
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return toRegistered(versions.get(versions.size() - 1));
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        if (!store.hasSubject(subject, false)) {
            throw subjectNotFound(subject);
        }
        return store.version(subject, version, false).map(this::toRegistered)
                .orElseThrow(() -> new SchemaRegistryException("version " + version + " of subject '" + subject
                        + "' not found (HTTP 404, error code 40402)", 404, SchemaRegistryException.VERSION_NOT_FOUND));
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        return store.find(subject, SchemaStore.canonical(schema)).map(this::toRegistered);
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        return store.compatibilityProblems(subject, schema).isEmpty();
    }

    @Override
    public CompatibilityLevel getConfig() {
        return store.globalLevel();
    }

    @Override
    public CompatibilityLevel getConfig(String subject) {
        return store.effectiveLevel(subject);
    }

    @Override
    public void setConfig(CompatibilityLevel level) {
        store.applyConfig(null, level);
    }

    @Override
    public void setConfig(String subject, CompatibilityLevel level) {
        store.applyConfig(subject, level);
    }

    @Override
    public List<String> subjects() {
        return store.subjects(false);
    }

    private RegisteredSchema toRegistered(StoredSchema entry) {
        return new RegisteredSchema(entry.subject(), entry.version(), entry.id(), store.schema(entry.id()).orElseThrow());
    }

    private static SchemaRegistryException subjectNotFound(String subject) {
        return new SchemaRegistryException("subject '" + subject + "' not found (HTTP 404, error code 40401)", 404,
                SchemaRegistryException.SUBJECT_NOT_FOUND);
    }
}
