package dev.tralign.app.demo;

import dev.tralign.app.world.SimulatedAnnotators;
import dev.tralign.app.world.SyntheticWorld;
import dev.tralign.evaluator.judge.GoldRewardJudge;
import dev.tralign.evaluator.service.CheckpointEvaluation;
import dev.tralign.evaluator.generate.CompletionCodec;
import dev.tralign.trainer.AlignmentTrainer;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.StepResult;
import dev.tralign.trainer.data.TokenizedFeedback;
import dev.tralign.trainer.data.TokenizedPair;
import dev.tralign.trainer.config.TrainingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The in-process comparison (no Kafka): one SFT policy, then each method trained on the same preference data in the
 * same order, evaluated by the gold judge every few steps. This is what {@code tralign experiment} runs over seeds;
 * {@code tralign demo} runs the same recipe through the Kafka pipeline.
 */
public final class ExperimentRunner {

    /** Settings of the alignment runs. */
    public record Settings(int pairs, int batchSize, int steps, int evalEvery, int evalPrompts, double beta,
            double learningRate, long seed) {

        public static Settings defaults() {
            return new Settings(4_000, 16, 400, 25, 128, 0.1, 5e-4, 1);
        }
    }

    /** One method's curve. */
    public record Curve(Method method, List<Point> points) {
    }

    /** One evaluated checkpoint: the evaluator's result plus the world's own statistic (mean target letters). */
    public record Point(CheckpointEvaluation.Result result, double meanTargets) {
    }

    private final SyntheticWorld world;
    private final WorldTokens tokens;
    private final Settings settings;
    private final Consumer<String> progress;

    public ExperimentRunner(SyntheticWorld world, Settings settings, Consumer<String> progress) {
        this.world = world;
        this.tokens = new WorldTokens(world);
        this.settings = settings;
        this.progress = progress;
    }

    public WorldTokens tokens() {
        return tokens;
    }

    /** Runs every method from the given SFT checkpoint. */
    public List<Curve> run(Path sftCheckpoint, List<Method> methods) {
        List<TokenizedPair> pairs = new ArrayList<>();
        int i = 0;
        for (SimulatedAnnotators.LabelledPair p : world.preferencePairs(settings.pairs())) {
            pairs.add(tokens.pair("pair-" + i++, p.prompt(), p.chosen(), p.rejected()));
        }
        List<TokenizedFeedback> thumbs = new ArrayList<>();
        i = 0;
        for (SimulatedAnnotators.Thumbs t : world.thumbs(2 * settings.pairs())) {
            thumbs.add(new TokenizedFeedback("thumb-" + i++, tokens.prompt(t.prompt()), tokens.completion(t.completion()),
                    t.desirable()));
        }
        List<Curve> curves = new ArrayList<>();
        try (Policy sft = Policy.load(sftCheckpoint)) {
            CheckpointEvaluation evaluation = new CheckpointEvaluation(new CompletionCodec(tokens.tokenizer()), sft,
                    world.evalPrompts(settings.evalPrompts()), new GoldRewardJudge(world.goldReward()::reward),
                    tokens.maxNewTokens(), settings.seed());
            progress.accept(String.format("baseline (SFT) mean gold reward %.3f", evaluation.baselineScore()));
            for (Method method : methods) {
                curves.add(new Curve(method, train(method, sftCheckpoint, pairs, thumbs, evaluation)));
            }
        }
        return curves;
    }

    private List<Point> train(Method method, Path sft, List<TokenizedPair> pairs,
            List<TokenizedFeedback> thumbs, CheckpointEvaluation evaluation) {
        TrainingConfig config = method.apply(TrainingConfig.builder()).beta(settings.beta())
                .learningRate(settings.learningRate()).warmupSteps(10).lrScheduler("constant").maxGradNorm(10.0)
                .maxSteps(settings.steps()).seed(settings.seed()).weightDecay(0.0).build();
        List<Point> points = new ArrayList<>();
        try (AlignmentTrainer trainer = AlignmentTrainer.fromPolicyCheckpoint(sft, config)) {
            points.add(report(method, evaluate(evaluation, trainer, 0), null));
            int cursor = 0;
            for (int step = 1; step <= settings.steps(); step++) {
                StepResult result;
                if (method.unpaired()) {
                    List<TokenizedFeedback> batch = new ArrayList<>();
                    for (int b = 0; b < 2 * settings.batchSize(); b++) {
                        batch.add(thumbs.get(cursor));
                        cursor = (cursor + 1) % thumbs.size();
                    }
                    result = trainer.stepFeedback(batch);
                } else {
                    List<TokenizedPair> batch = new ArrayList<>();
                    for (int b = 0; b < settings.batchSize(); b++) {
                        batch.add(pairs.get(cursor));
                        cursor = (cursor + 1) % pairs.size();
                    }
                    result = trainer.stepPairs(batch);
                }
                if (step % settings.evalEvery() == 0) {
                    points.add(report(method, evaluate(evaluation, trainer, step), result));
                }
            }
        }
        return points;
    }

    private Point evaluate(CheckpointEvaluation evaluation, AlignmentTrainer trainer, long step) {
        List<CheckpointEvaluation.PromptOutcome> outcomes = evaluation.outcomes(trainer.policy(), step);
        double targets = outcomes.stream()
                .mapToInt(o -> world.goldReward().targetCount(o.prompt(), o.completion())).average().orElse(0);
        return new Point(CheckpointEvaluation.summarize(step, outcomes), targets);
    }

    private Point report(Method method, Point point, StepResult step) {
        CheckpointEvaluation.Result r = point.result();
        progress.accept(String.format(
                "%-12s step %4d  win %5.1f%% ±%4.1f  KL %6.2f nats (%5.3f/tok)  gold %6.3f  targets %4.2f  loss %s  %s",
                method.name(), r.step(), r.winRate().winRate(), r.winRate().standardError(), r.klPerSequence(),
                r.klPerToken(), r.meanCandidateScore(), point.meanTargets(),
                step == null ? "  -  " : String.format("%.3f", step.loss()), r.examples()));
        return point;
    }
}
