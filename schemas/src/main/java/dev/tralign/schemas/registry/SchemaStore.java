package dev.tralign.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The registry's state: subjects, versions, global ids and compatibility levels, with the rules that keep it
 * consistent. Pure logic and thread-safe. The registry server rebuilds it by replaying the {@code _schemas} log
 * through {@link #apply}; the in-memory client uses it directly.
 *
 * <p>{@link #apply} is deterministic and first-writer-wins: an entry that would give an id to a second schema, or
 * a (subject, version) to a second schema, is refused. So every registry replaying the same log, in the same order,
 * ends in the same state, even when two of them proposed conflicting entries at once.
 */
public final class SchemaStore {

    private final Map<String, TreeMap<Integer, StoredSchema>> subjects = new HashMap<>();
    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private final Map<Integer, Schema> parsed = new ConcurrentHashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;

    /** The canonical text used to decide that two schemas are the same (Avro's normalised JSON). */
    public static String canonical(Schema schema) {
        return schema.toString();
    }

    /** Parses schema text, with a new parser each time so named types of different schemas never clash. */
    public static Schema parse(String text) {
        return new Schema.Parser().parse(text);
    }

    /**
     * Applies one logged entry.
     *
     * @return true when accepted, false when refused because it conflicts with an earlier entry
     */
    public synchronized boolean apply(StoredSchema entry) {
        String owner = schemaById.get(entry.id());
        if (owner != null && !owner.equals(entry.schema())) {
            return false;
        }
        Integer existingId = idBySchema.get(entry.schema());
        if (existingId != null && existingId != entry.id()) {
            return false;
        }
        TreeMap<Integer, StoredSchema> versions = subjects.computeIfAbsent(entry.subject(), s -> new TreeMap<>());
        StoredSchema current = versions.get(entry.version());
        if (current != null && current.id() != entry.id()) {
            return false;
        }
        if (current != null && current.deleted() && !entry.deleted()) {
            return false; // a soft delete is final for that version
        }
        versions.put(entry.version(), entry);
        schemaById.put(entry.id(), entry.schema());
        idBySchema.put(entry.schema(), entry.id());
        return true;
    }

    /** Removes a (subject, version) for good (a hard delete); the id stays known for old records. */
    public synchronized void purge(String subject, int version) {
        TreeMap<Integer, StoredSchema> versions = subjects.get(subject);
        if (versions != null) {
            versions.remove(version);
            if (versions.isEmpty()) {
                subjects.remove(subject);
            }
        }
    }

    /** Sets (or with null clears) a subject's level; a null subject means the global level. */
    public synchronized void applyConfig(String subject, CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level == null ? CompatibilityLevel.BACKWARD : level;
        } else if (level == null) {
            subjectLevels.remove(subject);
        } else {
            subjectLevels.put(subject, level);
        }
    }

    /** The global level. */
    public synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    /** The subject's own level, if one was set. */
    public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** The level that governs the subject. */
    public synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** Schema text by global id (deleted versions included: old records must stay readable). */
    public synchronized Optional<String> schemaText(int id) {
        return Optional.ofNullable(schemaById.get(id));
    }

    /** Parsed schema by global id, cached. */
    public Optional<Schema> schema(int id) {
        Schema cached = parsed.get(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        return schemaText(id).map(text -> parsed.computeIfAbsent(id, i -> parse(text)));
    }

    /** The id already given to this exact schema anywhere in the registry. */
    public synchronized OptionalInt idOf(String canonicalSchema) {
        Integer id = idBySchema.get(canonicalSchema);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The id a new schema would get. */
    public synchronized int nextId() {
        return schemaById.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    }

    /** The version a new entry in the subject would get (deleted versions are never reused). */
    public synchronized int nextVersion(String subject) {
        TreeMap<Integer, StoredSchema> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    }

    /** Live versions of the subject, oldest first, optionally with soft-deleted ones. */
    public synchronized List<StoredSchema> versions(String subject, boolean includeDeleted) {
        TreeMap<Integer, StoredSchema> versions = subjects.get(subject);
        List<StoredSchema> result = new ArrayList<>();
        if (versions != null) {
            versions.values().stream().filter(v -> includeDeleted || !v.deleted()).forEach(result::add);
        }
        return result;
    }

    /** One version, if it exists (deleted ones only when asked). */
    public synchronized Optional<StoredSchema> version(String subject, int version, boolean includeDeleted) {
        TreeMap<Integer, StoredSchema> versions = subjects.get(subject);
        StoredSchema entry = versions == null ? null : versions.get(version);
        return Optional.ofNullable(entry).filter(v -> includeDeleted || !v.deleted());
    }

    /** The live version of the subject that holds exactly this schema. */
    public synchronized Optional<StoredSchema> find(String subject, String canonicalSchema) {
        return versions(subject, false).stream().filter(v -> v.schema().equals(canonicalSchema)).findFirst();
    }

    /** True when the subject has at least one version, deleted or not. */
    public synchronized boolean hasSubject(String subject, boolean includeDeleted) {
        return !versions(subject, includeDeleted).isEmpty();
    }

    /** Subjects with live versions (or any versions), sorted. */
    public synchronized List<String> subjects(boolean includeDeleted) {
        return subjects.keySet().stream().filter(s -> hasSubject(s, includeDeleted)).sorted().toList();
    }

    /** Every (subject, version) that uses the id. */
    public synchronized List<StoredSchema> usesOf(int id) {
        List<StoredSchema> uses = new ArrayList<>();
        subjects.keySet().stream().sorted()
                .forEach(s -> subjects.get(s).values().stream().filter(v -> v.id() == id && !v.deleted())
                        .forEach(uses::add));
        return uses;
    }

    /** Compatibility problems the candidate would have in the subject (empty = may register). */
    public List<String> compatibilityProblems(String subject, Schema candidate) {
        List<Schema> existing = versions(subject, false).stream().map(v -> schema(v.id()).orElseThrow()).toList();
        return CompatibilityChecker.problems(candidate, existing, effectiveLevel(subject));
    }
}
