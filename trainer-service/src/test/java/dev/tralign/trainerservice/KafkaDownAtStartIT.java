package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.PreferencePair;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.StackOptions;
import dev.tralign.trainerservice.config.RunConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer started while its brokers are down (the whole deployment restarting) waits for them and then trains,
 * instead of failing its start.
 */
class KafkaDownAtStartIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void aTrainerStartedBeforeTheBrokerWaitsForItThenTrains(@TempDir Path dir) throws Exception {
        EmbeddedStack stack = EmbeddedStack.start(StackOptions.forTests(dir.resolve("stack")));
        Topics topics = PreferenceData.topics(stack, "late.", 1);
        List<PreferencePair> pairs = PreferenceData.pairs(8, 5);
        PreferenceData.write(stack, topics, pairs, 1, List.of());
        topics.close();
        Map<String, String> settings = PreferenceData.settings(stack, "late.", "late-a", dir.resolve("ckpt"));
        StackOptions sameAddresses = stack.options()
                .withKafkaPort(URI.create("tcp://" + stack.bootstrapServers()).getPort())
                .withRegistryPort(URI.create(stack.registryUrl()).getPort());
        stack.close();

        WarnLog warnings = WarnLog.of(TrainerService.class);
        CompletableFuture<RunSummary> running;
        try (TrainerService service = new TrainerService(RunConfig.of(settings))) {
            running = CompletableFuture.supplyAsync(service::run);
            await().atMost(DEADLINE).until(() -> warnings.lines().stream().anyMatch(l -> l.contains("does not answer"))
                    || running.isDone());
            assertThat(running).as("the trainer must wait for Kafka, not fail").isNotDone();
            stack = EmbeddedStack.start(sameAddresses);
            RunSummary summary = running.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(summary.completed()).isTrue();
            assertThat(summary.steps()).isEqualTo(2);
        } finally {
            warnings.detach();
            stack.close();
        }
    }
}
