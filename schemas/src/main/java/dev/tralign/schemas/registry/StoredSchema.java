package dev.tralign.schemas.registry;

/**
 * One (subject, version) entry as a registry stores it: the unit written to the {@code _schemas} log.
 *
 * @param subject the subject
 * @param version subject-local version, from 1
 * @param id global schema id
 * @param schema the schema's canonical JSON text
 * @param deleted soft-deleted: kept so ids and version numbers are never reused, but hidden from readers
 */
public record StoredSchema(String subject, int version, int id, String schema, boolean deleted) {

    /** The same entry marked soft-deleted. */
    public StoredSchema asDeleted() {
        return new StoredSchema(subject, version, id, schema, true);
    }
}
