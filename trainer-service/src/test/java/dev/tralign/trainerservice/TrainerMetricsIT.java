package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainerservice.config.RunConfig;
import dev.tralign.metrics.MetricsHttpServer;
import dev.tralign.trainerservice.metrics.TrainerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real bounded run with the metrics listener, scraped over HTTP after it ends. */
@ExtendWith(EmbeddedStackExtension.class)
class TrainerMetricsIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void exposesStepTimeTokensLossReferenceUpdatesAndCheckpoints(EmbeddedStack stack) throws Exception {
        String prefix = "metrics.";
        Topics topics = PreferenceData.topics(stack, prefix, 1);
        PreferenceData.write(stack, topics, PreferenceData.pairs(24, 5), 1, List.of());
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ckpt");
        // 24 pairs in batches of 4: 6 optimizer steps; reference updates at 2, 4, 6; checkpoints at 3 and 6.
        Map<String, String> settings = new java.util.LinkedHashMap<>(
                PreferenceData.settings(stack, prefix, "metrics-a", dir));
        settings.put("metrics.sft_every_steps", "3");
        // The reference task: pairs' chosen completions of other draws, as prompt/completion lines, every 3 steps.
        Path heldout = dir.resolve("heldout.jsonl");
        Files.write(heldout, PreferenceData.pairs(10, 77).stream()
                .map(p -> "{\"prompt\": \"" + p.getPrompt() + "\", \"completion\": \"" + p.getChosen() + "\"}")
                .toList());
        settings.put("metrics.heldout_sft.file", heldout.toString());
        settings.put("metrics.heldout_sft.every_steps", "3");
        RunConfig run = RunConfig.of(settings);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicBoolean running = new AtomicBoolean(true);
        try (TrainerService service = new TrainerService(run);
                MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, registry, running::get)) {
            TrainerMetrics meters = new TrainerMetrics(registry, run.runId(), run.checkpointDir());
            service.addProgressListener(meters);
            service.addMetricsListener(meters::published);
            RunSummary summary = service.run();
            assertThat(summary.steps()).isEqualTo(6);
            List<TrainMetrics> events = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : RunHistory.readAll(Map.of("bootstrap.servers",
                    stack.bootstrapServers()), topics.trainMetrics().name())) {
                events.add(topics.trainMetrics().valueSerde().deserializer().deserialize("", r.value()));
            }
            TrainMetrics lastEvent = events.get(events.size() - 1);
            assertThat(lastEvent.getStep()).isEqualTo(6);
            Map<String, Double> lastMetrics = lastEvent.getMetrics();
            assertThat(lastMetrics).containsEntry("grad_norm", lastEvent.getGradNorm())
                    .containsEntry("learning_rate", lastEvent.getLearningRate())
                    .containsKeys("logits/chosen", "logits/rejected", "sft/rewards/margins");
            // Every 3rd step only: the run's reference moves, so these come from a frozen copy of the SFT weights.
            assertThat(events.get(4).getMetrics()).doesNotContainKey("sft/rewards/margins");
            assertThat(events.get(2).getMetrics()).containsKey("sft/rewards/margins");
            // eval/sft_nll on steps 3 and 6 (the weights after the step), the starting model's in the first record.
            assertThat(events.get(0).getMetrics()).containsKey("eval/sft_nll_start").doesNotContainKey("eval/sft_nll");
            assertThat(events.get(1).getMetrics()).doesNotContainKeys("eval/sft_nll", "eval/sft_nll_start");
            for (int i : new int[] {2, 5}) {
                assertThat(events.get(i).getMetrics().get("eval/sft_nll")).as("step %d", i + 1).isBetween(0.5, 5.0);
                assertThat(events.get(i).getMetrics().get("eval/sft_nll_tokens")).isGreaterThanOrEqualTo(10.0 * 4);
            }
            assertThat(events.get(5).getMetrics().get("eval/sft_nll"))
                    .isNotEqualTo(events.get(2).getMetrics().get("eval/sft_nll"));
            String base = "http://127.0.0.1:" + server.port();

            HttpResponse<String> scraped = get(base + "/metrics");
            assertThat(scraped.statusCode()).isEqualTo(200);
            String text = scraped.body();
            String run1 = "\\{run=\"metrics-a\"\\}";
            assertThat(value(text, "tralign_trainer_optimizer_step" + run1)).isEqualTo(6.0);
            assertThat(value(text, "tralign_trainer_step_duration_seconds_count" + run1)).isEqualTo(6.0);
            assertThat(value(text, "tralign_trainer_step_duration_seconds_sum" + run1)).isGreaterThan(0.0);
            assertThat(value(text, "tralign_trainer_tokens_total" + run1)).isGreaterThan(24.0);
            assertThat(value(text, "tralign_trainer_tokens_per_second" + run1)).isGreaterThan(0.0);
            assertThat(value(text, "tralign_trainer_loss" + run1)).isBetween(0.0, 10.0);
            assertThat(value(text, "tralign_trainer_reference_updates_total" + run1)).isEqualTo(3.0);
            assertThat(value(text, "tralign_trainer_checkpoint_last_step" + run1)).isEqualTo(6.0);
            assertThat(value(text, "tralign_trainer_checkpoint_files" + run1)).isGreaterThanOrEqualTo(2.0);
            // TRL's names, the last step's values: the same numbers as its tralign.train-metrics event.
            String last = "name=\"%s\",run=\"metrics-a\"";
            for (String name : List.of("rewards/chosen", "rewards/rejected", "rewards/margins", "rewards/accuracies",
                    "logps/chosen", "logps/rejected", "logits/chosen", "logits/rejected", "sft/rewards/margins",
                    "eval/sft_nll", "eval/sft_nll_tokens")) {
                assertThat(value(text, "tralign_trainer_metric\\{" + last.formatted(name) + "\\}"))
                        .as(name).isEqualTo(lastMetrics.get(name));
            }
            assertThat(value(text, "tralign_trainer_metric\\{" + last.formatted("grad_norm") + "\\}"))
                    .isEqualTo(lastEvent.getGradNorm()).isPositive();
            assertThat(value(text, "tralign_trainer_metric\\{" + last.formatted("learning_rate") + "\\}"))
                    .isEqualTo(lastEvent.getLearningRate()).isPositive();

            assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
            running.set(false);
            assertThat(get(base + "/healthz").statusCode()).isEqualTo(503);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(exposition);
        assertThat(m.find()).as(series + " in\n" + exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
