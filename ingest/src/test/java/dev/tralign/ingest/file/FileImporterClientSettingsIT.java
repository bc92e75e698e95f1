package dev.tralign.ingest.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.ingest.parse.Format;
import dev.tralign.ingest.parse.IngestLimits;
import dev.tralign.schemas.Topics;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Cluster settings beyond bootstrap.servers (security: SASL, TLS) reach the importer's producers. */
@ExtendWith(EmbeddedStackExtension.class)
class FileImporterClientSettingsIT {

    private final EmbeddedStack stack;

    FileImporterClientSettingsIT(EmbeddedStack stack) {
        this.stack = stack;
    }

    @Test
    void everyProducerGetsTheClusterSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pairs.jsonl");
        Files.writeString(file, """
                {"prompt": "p1", "chosen": "a", "rejected": "b"}
                {"prompt": "p2", "chosen": "c", "rejected": "d"}
                """);
        List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
        Map<String, Object> settings = Map.of("bootstrap.servers", stack.bootstrapServers(),
                "security.protocol", "PLAINTEXT", "client.dns.lookup", "use_all_dns_ips");
        try (Topics topics = stack.topics()) {
            ImportSummary summary = new FileImporter(settings, topics, IngestLimits.DEFAULTS,
                    new PrintStream(OutputStream.nullOutputStream()), 100, config -> {
                        seen.add(Map.copyOf(config));
                        return FileImporter.defaultProducers().apply(config);
                    }).importFiles(List.of(file), Format.AUTO);
            assertThat(summary.accepted()).isEqualTo(2);
        }
        assertThat(seen).isNotEmpty().allSatisfy(config -> assertThat(config)
                .containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("client.dns.lookup", "use_all_dns_ips")
                .containsKey("transactional.id"));
    }
}
