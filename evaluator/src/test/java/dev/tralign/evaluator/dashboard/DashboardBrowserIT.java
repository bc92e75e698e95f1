package dev.tralign.evaluator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tralign.schemas.avro.TrainMetrics;
import dev.tralign.schemas.avro.WinRate;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The live dashboard page in a real headless Chromium, driven over the DevTools protocol: it draws the store's runs
 * and redraws, in the same document, when a new WinRate arrives. Leaves target/dashboard.png as a CI artifact.
 */
class DashboardBrowserIT {

    private static final String RUN = "browser-it/tr-dpo";
    private static final String OTHER_RUN = "browser-it/dpo";
    private static final Duration PAGE_DEADLINE = Duration.ofSeconds(20);
    /** The page's second series colour (#D55E00): RUN's, as runs are drawn in sorted order after OTHER_RUN. */
    private static final int RUN_RGB = 0xD55E00;

    @Test
    void drawsTheRunsAndRedrawsWhenANewWinRateArrives() throws Exception {
        WinRateStore store = new WinRateStore();
        store.put(TestWinRates.of(RUN, 100, 52.0, 0.5));
        store.put(TestWinRates.of(RUN, 200, 58.0, 1.2));
        store.put(TestWinRates.of(OTHER_RUN, 100, 45.0, 2.0));
        try (DashboardServer server = DashboardServer.start("127.0.0.1", 0, store)) {
            String url = "http://127.0.0.1:" + server.port() + "/";
            try (HeadlessChromium chromium = HeadlessChromium.start(url, 900, 1100);
                    DevToolsSession page = DevToolsSession.attach(chromium.devToolsPort(), url)) {
                await("first draw of " + RUN).atMost(PAGE_DEADLINE).pollInterval(Duration.ofMillis(100))
                        .until(() -> stepsDrawn(page, RUN), steps -> steps.equals(List.of(100L, 200L)));

                assertThat(legend(page)).containsExactly(OTHER_RUN, RUN);
                assertThat(stepsDrawn(page, OTHER_RUN)).containsExactly(100L);
                assertThat(page.evaluate("document.querySelector('#by-step polyline[data-run=\"" + RUN + "\"]')"
                        + ".getAttribute('points').trim().split(/\\s+/).length").asInt()).isEqualTo(2);
                assertThat(page.evaluate("document.querySelector('#runs tbody').textContent").asText())
                        .contains(RUN, "58.0");

                // A marker in this document: if it survives the update, the page redrew itself (no reload).
                page.evaluate("window.tralignMarker = 'same-document'");
                int refreshesBefore = page.evaluate("Number(document.body.dataset.refreshes)").asInt();
                store.put(TestWinRates.of(RUN, 300, 71.0, 2.4));

                await("live update to step 300").atMost(PAGE_DEADLINE).pollInterval(Duration.ofMillis(100))
                        .until(() -> stepsDrawn(page, RUN), steps -> steps.equals(List.of(100L, 200L, 300L)));
                assertThat(page.evaluate("window.tralignMarker").asText()).isEqualTo("same-document");
                assertThat(page.evaluate("Number(document.body.dataset.refreshes)").asInt())
                        .isGreaterThan(refreshesBefore);
                assertThat(page.evaluate("document.querySelector('#by-step circle[data-run=\"" + RUN
                        + "\"][data-step=\"300\"]').getAttribute('data-win-rate')").asDouble()).isEqualTo(71.0);
                assertThat(page.evaluate("document.querySelectorAll('#by-kl circle[data-run=\"" + RUN
                        + "\"]').length").asInt()).isEqualTo(3);
                assertThat(page.evaluate("document.querySelector('#runs tbody').textContent").asText())
                        .contains("300", "71.0");

                byte[] png = page.screenshotPng();
                Path artifact = Path.of("target", "dashboard.png");
                Files.createDirectories(artifact.getParent());
                Files.write(artifact, png);
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
                assertThat(image).as("screenshot decodes as PNG").isNotNull();
                assertThat(image.getWidth()).isGreaterThanOrEqualTo(800);
                // Its lines and points must be on the picture, not only in the DOM.
                assertThat(countPixelsNear(image, RUN_RGB)).as("pixels in " + RUN + "'s colour")
                        .isGreaterThan(500);
            }
        }
    }

    /** The training chart plots the chosen TRL metric per run, and switches metric without a reload. */
    @Test
    void plotsTheChosenTrainingMetricByStep() throws Exception {
        WinRateStore store = new WinRateStore();
        store.put(TestWinRates.of(RUN, 100, 52.0, 0.5));
        TrainingStore training = new TrainingStore();
        for (long step = 1; step <= 5; step++) {
            training.put(trainMetrics(RUN, step, Map.of("rewards/margins", 0.1 * step, "sft/rewards/margins",
                    0.3 * step, "grad_norm", 1.0)));
        }
        training.put(trainMetrics(OTHER_RUN, 1, Map.of("rewards/margins", 0.05)));
        try (DashboardServer server = DashboardServer.start("127.0.0.1", 0, store, training, () -> true)) {
            String url = "http://127.0.0.1:" + server.port() + "/";
            try (HeadlessChromium chromium = HeadlessChromium.start(url, 900, 1100);
                    DevToolsSession page = DevToolsSession.attach(chromium.devToolsPort(), url)) {
                String line = "document.querySelector('#training polyline[data-run=\"" + RUN + "\"]')";
                await("training chart").atMost(PAGE_DEADLINE).pollInterval(Duration.ofMillis(100))
                        .until(() -> page.evaluate(line + " !== null").asBoolean());
                assertThat(page.evaluate(line + ".getAttribute('data-metric')").asText()).isEqualTo("rewards/margins");
                assertThat(page.evaluate(line + ".getAttribute('data-points')").asInt()).isEqualTo(5);
                assertThat(page.evaluate("Array.from(document.querySelectorAll('#train-metric option'))"
                        + ".map(o => o.value).join(',')").asText())
                        .isEqualTo("grad_norm,loss,rewards/margins,sft/rewards/margins");

                page.evaluate("const s = document.getElementById('train-metric'); s.value = 'sft/rewards/margins';"
                        + " s.dispatchEvent(new Event('change'))");
                await("switch to sft/rewards/margins").atMost(PAGE_DEADLINE).pollInterval(Duration.ofMillis(100))
                        .until(() -> page.evaluate(line + ".getAttribute('data-metric')").asText(),
                                "sft/rewards/margins"::equals);
                // The other run never logged sft/ metrics: it has no point on this chart.
                assertThat(page.evaluate("document.querySelector('#training polyline[data-run=\"" + OTHER_RUN
                        + "\"]').getAttribute('data-points')").asInt()).isZero();
            }
        }
    }

    /** The length-controlled win rate is a dashed line beside each run's win rate; the ranking is a forest chart. */
    @Test
    void drawsTheLengthControlledWinRateAndTheBradleyTerryRanking() throws Exception {
        WinRateStore store = new WinRateStore();
        for (long step : new long[] {100, 200}) {
            WinRate w = TestWinRates.of(RUN, step, 60.0 + step / 20.0, 1.0);
            w.setLengthControlledWinRate(50.0 + step / 50.0);
            store.put(w);
        }
        store.put(TestWinRates.of(OTHER_RUN, 100, 45.0, 2.0)); // a record from before LC: no dashed points
        dev.tralign.evaluator.report.CheckpointGames games = new dev.tralign.evaluator.report.CheckpointGames();
        for (int p = 0; p < 30; p++) {
            games.add(dev.tralign.schemas.avro.Judgment.newBuilder().setRunId(RUN).setStep(200)
                    .setPromptId("p" + p).setJudge("gold").setCandidate("c" + p).setBaseline("b" + p)
                    .setPreference(p % 3 == 0 ? 1.0 : 2.0).setCandidateScore(null).setBaselineScore(null)
                    .setRatings(Map.of()).setAt(Instant.EPOCH).build());
        }
        try (DashboardServer server = DashboardServer.start("127.0.0.1", 0, store, new TrainingStore(), games,
                () -> true)) {
            String url = "http://127.0.0.1:" + server.port() + "/";
            try (HeadlessChromium chromium = HeadlessChromium.start(url, 900, 1400);
                    DevToolsSession page = DevToolsSession.attach(chromium.devToolsPort(), url)) {
                String lc = "document.querySelector('#by-step polyline[data-series=\"lc\"][data-run=\"" + RUN + "\"]')";
                await("LC line").atMost(PAGE_DEADLINE).pollInterval(Duration.ofMillis(100))
                        .until(() -> page.evaluate(lc + " !== null").asBoolean());
                assertThat(page.evaluate(lc + ".getAttribute('data-points')").asInt()).isEqualTo(2);
                assertThat(page.evaluate(lc + ".getAttribute('stroke-dasharray')").asText()).isEqualTo("5 4");
                assertThat(page.evaluate("document.querySelector('#by-step polyline[data-series=\"lc\"][data-run=\""
                        + OTHER_RUN + "\"]').getAttribute('data-points')").asInt()).isZero();
                assertThat(page.evaluate("document.querySelector('#runs tbody').textContent").asText())
                        .contains("54.0"); // RUN's latest LC
                String dots = "Array.from(document.querySelectorAll('#bt circle'))"
                        + ".map(c => c.getAttribute('data-player'))";
                await("Bradley-Terry chart").atMost(PAGE_DEADLINE).pollInterval(Duration.ofMillis(100))
                        .until(() -> page.evaluate(dots + ".length").asInt() == 2);
                assertThat(page.evaluate(dots + ".join(',')").asText()).isEqualTo(RUN + "@200,SFT baseline");
                assertThat(page.evaluate("Number(document.querySelector('#bt circle').getAttribute('data-score'))")
                        .asDouble()).isCloseTo(66.67, org.assertj.core.api.Assertions.within(0.01));
                Path artifact = Path.of("target", "dashboard-lc-bt.png");
                Files.createDirectories(artifact.getParent());
                Files.write(artifact, page.screenshotPng());
            }
        }
    }

    private static TrainMetrics trainMetrics(String run, long step, Map<String, Double> named) {
        return TrainMetrics.newBuilder().setRunId(run).setStep(step).setLoss(0.69).setLearningRate(1e-3)
                .setGradNorm(1.0).setTokensPerSecond(100).setMetrics(named).setAt(Instant.EPOCH).build();
    }

    private static List<Long> stepsDrawn(DevToolsSession page, String run) {
        JsonNode steps = page.evaluate("Array.from(document.querySelectorAll('#by-step circle[data-run=\"" + run
                + "\"]')).map(c => Number(c.getAttribute('data-step')))");
        List<Long> out = new ArrayList<>();
        steps.forEach(step -> out.add(step.asLong()));
        return out;
    }

    private static List<String> legend(DevToolsSession page) {
        JsonNode runs = page.evaluate("Array.from(document.querySelectorAll('#by-step text.legend'))"
                + ".map(t => t.getAttribute('data-run'))");
        List<String> out = new ArrayList<>();
        runs.forEach(run -> out.add(run.asText()));
        return out;
    }

    private static int countPixelsNear(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) < 12
                        && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 12
                        && Math.abs((p & 0xff) - (rgb & 0xff)) < 12) {
                    count++;
                }
            }
        }
        return count;
    }
}
