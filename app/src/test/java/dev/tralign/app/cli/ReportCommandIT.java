package dev.tralign.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.AlertSeverity;
import dev.tralign.schemas.avro.Judgment;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.schemas.avro.WinRate;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tralign report} against a real broker and registry: win rates with their LC from tralign.win-rates, the
 * Bradley-Terry ranking from tralign.judgments (two runs, two checkpoints each, one shared baseline), and the guard's
 * alerts and champions from tralign.alerts and tralign.promotions as chart marks.
 */
@ExtendWith(EmbeddedStackExtension.class)
class ReportCommandIT {

    @TempDir
    Path out;

    private static Judgment judgment(String run, long step, int prompt, double preference) {
        return Judgment.newBuilder().setRunId(run).setStep(step).setPromptId("p" + prompt).setJudge("gold")
                .setCandidate(run + step + "-" + prompt).setBaseline("baseline-" + prompt).setPreference(preference)
                .setCandidateScore(null).setBaselineScore(null).setRatings(Map.of()).setAt(Instant.EPOCH).build();
    }

    private static WinRate winRate(String run, long step, double winRate, Double lc) {
        return WinRate.newBuilder().setRunId(run).setStep(step).setNWins(1).setNWinsBase(1).setNDraws(0)
                .setNTotal(40).setWinRate(winRate).setStandardError(5).setDiscreteWinRate(winRate)
                .setWilsonLow(winRate - 10).setWilsonHigh(winRate + 10).setAt(Instant.EPOCH)
                .setLengthControlledWinRate(lc).build();
    }

    private static Alert alert(String run, long step) {
        return Alert.newBuilder().setRunId(run).setStep(step).setKind(AlertKind.KL_BUDGET)
                .setSeverity(AlertSeverity.CRITICAL).setMessage("KL over budget at " + run).setEvidence(Map.of())
                .setAt(Instant.EPOCH).build();
    }

    @Test
    void reportsLengthControlAndTheRankingOfEveryCheckpoint(EmbeddedStack stack) throws Exception {
        Map<String, Object> kafka = new HashMap<>(Map.of("bootstrap.servers", stack.bootstrapServers()));
        Map<String, Object> registry = Map.of("schema.registry.url", stack.registryUrl());
        try (Topics topics = Topics.create(Topics.DEFAULT_PREFIX, registry)) {
            stack.createTopics(topics);
            try (KafkaProducer<String, Judgment> judgments = new KafkaProducer<>(kafka,
                    topics.judgments().keySerde().serializer(), topics.judgments().valueSerde().serializer());
                    KafkaProducer<String, WinRate> winRates = new KafkaProducer<>(kafka,
                            topics.winRates().keySerde().serializer(), topics.winRates().valueSerde().serializer())) {
                // Win rates 60/75 (dpo) and 50/85 (tr-dpo) at steps 10/20; another run is on the topics too.
                double[][] rates = {{0.6, 0.75}, {0.5, 0.85}};
                String[] runs = {"report-it-dpo", "report-it-tr-dpo"};
                for (int r = 0; r < 2; r++) {
                    for (int s = 0; s < 2; s++) {
                        long step = 10L * (s + 1);
                        for (int p = 0; p < 40; p++) {
                            double preference = p < rates[r][s] * 40 ? 2.0 : 1.0;
                            judgments.send(new ProducerRecord<>(topics.judgments().name(), runs[r],
                                    judgment(runs[r], step, p, preference)));
                        }
                        winRates.send(new ProducerRecord<>(topics.winRates().name(), runs[r] + "/" + step,
                                winRate(runs[r], step, rates[r][s] * 100, s == 1 ? 55.5 : null)));
                    }
                }
                judgments.send(new ProducerRecord<>(topics.judgments().name(), "other", judgment("other", 1, 0, 2.0)));
                winRates.send(new ProducerRecord<>(topics.winRates().name(), "other/1",
                        winRate("other", 1, 100, null)));
                judgments.flush();
                winRates.flush();
            }
            try (KafkaProducer<String, Alert> alerts = new KafkaProducer<>(kafka,
                    topics.alerts().keySerde().serializer(), topics.alerts().valueSerde().serializer());
                    KafkaProducer<String, ModelPromotion> promotions = new KafkaProducer<>(kafka,
                            topics.promotions().keySerde().serializer(),
                            topics.promotions().valueSerde().serializer())) {
                // dpo's alert at step 20, sent twice (a guard restart re-sends it): one mark, one row.
                for (String run : new String[] {"report-it-dpo", "report-it-dpo", "other"}) {
                    alerts.send(new ProducerRecord<>(topics.alerts().name(), run, alert(run, 20)));
                }
                promotions.send(new ProducerRecord<>(topics.promotions().name(), "report-it-tr-dpo",
                        ModelPromotion.newBuilder().setFamily("report-it-tr-dpo").setRunId("report-it-tr-dpo")
                                .setStep(20).setEvidence(Map.of()).setAt(Instant.EPOCH).build()));
                alerts.flush();
                promotions.flush();
            }
        }

        CliRun cli = new CliRun();
        int exit = cli.run("report", "--run", "report-it-dpo,report-it-tr-dpo", "--out", out.toString(),
                "--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl(), "--bt-rounds", "50");

        assertThat(exit).as(cli.err()).isZero();
        String console = cli.out();
        assertThat(console).contains("LC win rate %", "55.5", "BT score %", "90% interval")
                .contains("50 bootstrap resamples of the 40 prompts (seed 42)").doesNotContain("other@1");
        // Best first: tr-dpo@20 (85), dpo@20 (75), dpo@10 (60), the baseline (50, tied with tr-dpo@10).
        assertThat(console.indexOf("report-it-tr-dpo@20")).isLessThan(console.indexOf("report-it-dpo@20"));
        assertThat(console.indexOf("report-it-dpo@20")).isLessThan(console.indexOf("report-it-dpo@10"));
        assertThat(console).contains("85.0", "75.0", "60.0");
        assertThat(Files.readString(out.resolve("report.html"))).contains("Bradley-Terry scores",
                "data-player=\"report-it-tr-dpo@20\"", "<th>LC win rate %</th>");
        assertThat(ImageIO.read(out.resolve("bradley-terry.png").toFile())).isNotNull();
        // The guard's marks: dpo's alert once per chart (its step 20 has a KL-less checkpoint, so the step chart
        // only), tr-dpo's champion ring on the step chart; the other run's alert neither marked nor listed.
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).containsOnlyOnce("<g class=\"alert\" data-run=\"report-it-dpo\" data-step=\"20\"")
                .containsOnlyOnce("<circle class=\"champion\" data-run=\"report-it-tr-dpo\" data-step=\"20\"")
                .containsOnlyOnce("<td>report-it-dpo</td><td>20</td><td>KL_BUDGET</td>")
                .doesNotContain("KL over budget at other");
        assertThat(cli.err()).doesNotContain("baseline outputs differ");
    }
}
