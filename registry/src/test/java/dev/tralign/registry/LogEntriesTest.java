package dev.tralign.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.registry.CompatibilityLevel;
import dev.tralign.schemas.registry.StoredSchema;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogEntriesTest {

    private static final StoredSchema ENTRY = new StoredSchema("s-value", 3, 12, "\"string\"", false);

    @Test
    void schemaEntriesRoundTrip() {
        LogEntries.Entry decoded = LogEntries.decode(LogEntries.schemaKey(ENTRY), LogEntries.schemaValue(ENTRY));
        assertThat(decoded).isEqualTo(new LogEntries.SchemaEntry(ENTRY));
        LogEntries.Entry deleted = LogEntries.decode(LogEntries.schemaKey(ENTRY),
                LogEntries.schemaValue(ENTRY.asDeleted()));
        assertThat(deleted).isEqualTo(new LogEntries.SchemaEntry(ENTRY.asDeleted()));
    }

    @Test
    void tombstoneIsAPurgeOfThatVersion() {
        assertThat(LogEntries.decode(LogEntries.schemaKey(ENTRY), null))
                .isEqualTo(new LogEntries.SchemaPurge("s-value", 3));
    }

    @Test
    void conflictingProposalsNeverShareAKeySoCompactionKeepsBoth() {
        StoredSchema rival = new StoredSchema("s-value", 3, 12, "\"int\"", false);
        assertThat(LogEntries.schemaKey(rival)).isNotEqualTo(LogEntries.schemaKey(ENTRY));
        assertThat(LogEntries.schemaKey(ENTRY.asDeleted())).as("a soft delete overwrites its entry")
                .isEqualTo(LogEntries.schemaKey(ENTRY));
    }

    @Test
    void configEntriesForGlobalAndSubject() {
        assertThat(LogEntries.decode(LogEntries.configKey(null), LogEntries.configValue(CompatibilityLevel.FULL)))
                .isEqualTo(new LogEntries.ConfigEntry(null, CompatibilityLevel.FULL));
        assertThat(LogEntries.decode(LogEntries.configKey("s"), null))
                .isEqualTo(new LogEntries.ConfigEntry("s", null));
    }

    @Test
    void foreignOrBrokenRecordsAreSkippableNotFatal() {
        byte[] noop = "{\"keytype\":\"NOOP\",\"magic\":0}".getBytes(StandardCharsets.UTF_8);
        assertThat(LogEntries.decode(noop, null)).isInstanceOf(LogEntries.Unreadable.class);
        assertThat(LogEntries.decode("not json".getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOf(LogEntries.Unreadable.class);
        assertThat(LogEntries.decode(null, null)).isInstanceOf(LogEntries.Unreadable.class);
    }
}
