package dev.tralign.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchemaStoreTest {

    private static final String A = "{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}";
    private static final String B = "{\"type\":\"record\",\"name\":\"B\",\"fields\":[]}";

    @Test
    void firstWriterWinsAnIdAndLaterClaimsAreRefused() {
        SchemaStore store = new SchemaStore();
        assertThat(store.apply(new StoredSchema("s", 1, 1, A, false))).isTrue();
        assertThat(store.apply(new StoredSchema("t", 1, 1, B, false))).as("id 1 already means A").isFalse();
        assertThat(store.apply(new StoredSchema("s", 1, 2, B, false))).as("s v1 already taken").isFalse();
        assertThat(store.apply(new StoredSchema("t", 1, 2, A, false))).as("A already has id 1").isFalse();
        assertThat(store.schemaText(1)).contains(A);
        assertThat(store.schemaText(2)).isEmpty();
        assertThat(store.subjects(false)).containsExactly("s");
    }

    @Test
    void sameSchemaInTwoSubjectsSharesItsId() {
        SchemaStore store = new SchemaStore();
        store.apply(new StoredSchema("s", 1, 1, A, false));
        assertThat(store.apply(new StoredSchema("t", 1, 1, A, false))).isTrue();
        assertThat(store.usesOf(1)).extracting(StoredSchema::subject).containsExactly("s", "t");
        assertThat(store.nextId()).isEqualTo(2);
    }

    @Test
    void softDeleteHidesTheVersionButKeepsItsIdAndNumber() {
        SchemaStore store = new SchemaStore();
        store.apply(new StoredSchema("s", 1, 1, A, false));
        store.apply(new StoredSchema("s", 1, 1, A, true));
        assertThat(store.versions("s", false)).isEmpty();
        assertThat(store.versions("s", true)).hasSize(1);
        assertThat(store.schemaText(1)).contains(A);
        assertThat(store.nextVersion("s")).isEqualTo(2);
        assertThat(store.apply(new StoredSchema("s", 1, 1, A, false))).as("no undelete").isFalse();
    }

    @Test
    void replayingTheSameLogGivesTheSameState() {
        StoredSchema[] log = {
            new StoredSchema("s", 1, 1, A, false), new StoredSchema("s", 1, 2, B, false),
            new StoredSchema("s", 2, 2, B, false), new StoredSchema("t", 1, 1, A, false)};
        SchemaStore first = new SchemaStore();
        SchemaStore second = new SchemaStore();
        for (StoredSchema entry : log) {
            first.apply(entry);
            second.apply(entry);
        }
        assertThat(first.versions("s", true)).isEqualTo(second.versions("s", true));
        assertThat(first.versions("s", false)).extracting(StoredSchema::version).containsExactly(1, 2);
    }

    @Test
    void subjectLevelOverridesGlobalUntilCleared() {
        SchemaStore store = new SchemaStore();
        assertThat(store.effectiveLevel("s")).isEqualTo(CompatibilityLevel.BACKWARD);
        store.applyConfig("s", CompatibilityLevel.NONE);
        store.applyConfig(null, CompatibilityLevel.FULL);
        assertThat(store.effectiveLevel("s")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(store.effectiveLevel("other")).isEqualTo(CompatibilityLevel.FULL);
        store.applyConfig("s", null);
        assertThat(store.effectiveLevel("s")).isEqualTo(CompatibilityLevel.FULL);
    }
}
