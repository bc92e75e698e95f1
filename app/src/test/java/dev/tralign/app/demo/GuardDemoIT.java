package dev.tralign.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tralign.app.cli.TralignCommand;
import dev.tralign.schemas.Topics;
import dev.tralign.schemas.avro.Alert;
import dev.tralign.schemas.avro.AlertKind;
import dev.tralign.schemas.avro.ModelPromotion;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.EmbeddedStackExtension;
import dev.tralign.trainer.checkpoint.CheckpointFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * Guard rails on the synthetic world, end to end: a DPO run with guard.kl_budget.policy=stop (a high learning rate,
 * so it over-optimizes within a few hundred steps) crosses the KL budget; the evaluator's guard publishes KL_BUDGET
 * on tralign.alerts with its verdict on tralign.guard-verdicts, and the trainer, which waits at each checkpoint for
 * the verdict on the previous one, ends the run exactly one checkpoint after the crossing with the alert as its stop
 * reason. Meanwhile the champion is promoted early and kept while later checkpoints lose win rate. Training,
 * sampling and judging are seeded, so the curve is the same every time, and since the trainer waits for the guard,
 * timing decides nothing asserted here. Then {@code tralign export --champion} hands the champion over.
 */
@ExtendWith(EmbeddedStackExtension.class)
class GuardDemoIT {

    private static final double BUDGET = 15.0;
    private static final int CHECKPOINT_EVERY = 20;
    /** Past the crossing (step 220) with room to spare; the run stops one checkpoint after it. */
    private static final int MAX_STEPS = 320;

    @Test
    void aDpoRunOverItsKlBudgetIsStoppedAndItsEarlyChampionKept(EmbeddedStack stack) throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "guard-demo-it");
        try (Topics topics = Topics.create(stack.registryUrl())) {
            stack.createTopics(topics);
        }
        DemoSettings settings = new DemoSettings(work, stack.bootstrapServers(), stack.registryUrl(), 1,
                List.of("dpo"), 300, MAX_STEPS, 8, CHECKPOINT_EVERY, 32, 0.02, 2e-3, 4, 5, 0, 150)
                .withGuard(new DemoSettings.Guard(BUDGET, List.of("dpo")));
        List<String> lines = new ArrayList<>();
        DemoResult result = new DemoRunner(settings, lines::add).run();
        lines.forEach(System.out::println);

        DemoResult.Row dpo = result.rows().get(0);
        Alert budget = result.alerts().stream().filter(a -> a.getKind() == AlertKind.KL_BUDGET).findFirst()
                .orElseThrow(() -> new AssertionError("no KL_BUDGET alert: " + String.join("\n", lines)));
        long crossed = budget.getStep();
        assertThat(budget.getRunId()).isEqualTo(dpo.runId());
        assertThat(budget.getEvidence().get("kl_to_sft")).isGreaterThan(BUDGET);

        // Stopped by its guard exactly one checkpoint after the crossing, and the final checkpoint says why.
        long stoppedAt = dpo.last().getStep();
        assertThat(stoppedAt).isEqualTo(crossed + CHECKPOINT_EVERY).isLessThan(MAX_STEPS);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains(dpo.runId() + " stopped by its guard at step "
                + stoppedAt + ": KL_BUDGET at step " + crossed + ": KL to SFT"));

        // The champion: promoted early, inside the budget, significant, and kept while later checkpoints lose.
        ModelPromotion champion = result.champion(dpo.runId()).orElseThrow();
        assertThat(champion.getStep()).isLessThan(crossed);
        assertThat(champion.getEvidence().get("kl_to_sft")).isLessThan(BUDGET);
        assertThat(champion.getEvidence().get("p_value")).isLessThan(0.05);
        assertThat(champion.getCheckpointUri()).startsWith("file:").endsWith("step-" + champion.getStep() + ".ckpt");
        assertThat(champion.getSha256()).hasSize(64);
        assertThat(result.promotions()).allSatisfy(p -> assertThat(p.getStep()).isLessThan(crossed));
        assertThat(budget.getEvidence().get("win_rate")).isLessThan(champion.getEvidence().get("win_rate"));
        assertThat(String.join("\n", lines)).contains("champion per method").contains("guard alerts");
        assertThat(Files.readString(result.reportHtml())).contains("<h2>Guard rails</h2>")
                .contains("<td>" + dpo.runId() + "</td><td>" + crossed + "</td><td>KL_BUDGET</td>")
                // and on its charts: a line at the crossing's step, a ring on the champion's checkpoint.
                .contains("<g class=\"alert\" data-run=\"" + dpo.runId() + "\" data-step=\"" + crossed + "\"")
                .contains("<circle class=\"champion\" data-run=\"" + dpo.runId() + "\" data-step=\""
                        + champion.getStep() + "\"");

        // ./tralign export --champion: a built-in GPT run, so the champion comes out as tralign's checkpoint file.
        Path out = work.resolve("champion");
        StringWriter printed = new StringWriter();
        CommandLine cli = TralignCommand.commandLine();
        cli.setOut(new PrintWriter(printed));
        int code = cli.execute("export", "--champion", dpo.runId(), "--out", out.toString(), "--bootstrap",
                stack.bootstrapServers(), "--registry", stack.registryUrl());
        assertThat(code).as(printed.toString()).isZero();
        Path exported = out.resolve("step-" + champion.getStep() + ".ckpt");
        assertThat(CheckpointFile.sha256(exported)).isEqualTo(champion.getSha256());
        assertThat(printed.toString()).contains("\"format\":\"tralign-checkpoint\"");
    }
}
