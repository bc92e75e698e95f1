package dev.tralign.registry;

import dev.tralign.schemas.registry.CompatibilityLevel;
import dev.tralign.schemas.registry.StoredSchema;

/**
 * Where the registry writes its changes. Every append returns only once the change is visible in the local
 * {@link dev.tralign.schemas.registry.SchemaStore} (applied, or refused as a conflict), so a reply is never ahead
 * of the state.
 */
interface Journal extends AutoCloseable {

    /** Proposes a schema entry (new, or the same entry marked deleted). */
    void append(StoredSchema entry);

    /** Deletes a version for good. */
    void purge(StoredSchema entry);

    /** Sets (level) or clears (null) a compatibility level; a null subject is the global one. */
    void config(String subject, CompatibilityLevel level);

    /** Waits until every change written so far, by any registry, is applied locally. */
    void catchUp();

    @Override
    void close();
}
