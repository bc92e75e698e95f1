package dev.tralign.schemas.registry;

import org.apache.avro.Schema;

/**
 * One version of a subject as the registry reports it.
 *
 * @param subject the subject, e.g. {@code tralign.preferences-value}
 * @param version the subject-local version, from 1
 * @param id the registry-global schema id written into every record's header
 * @param schema the parsed Avro schema
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
}
