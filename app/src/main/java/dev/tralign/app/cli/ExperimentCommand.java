package dev.tralign.app.cli;

import dev.tralign.app.demo.ExperimentReport;
import dev.tralign.app.demo.ExperimentRunner;
import dev.tralign.app.demo.Method;
import dev.tralign.app.demo.SftRecipe;
import dev.tralign.app.world.SyntheticWorld;
import dev.tralign.app.world.WorldConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The in-process comparison of methods on the synthetic world, without Kafka: fast, for science. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Compare DPO/IPO/KTO and their TR variants in-process on the synthetic world (no Kafka).")
final class ExperimentCommand implements Callable<Integer> {

    @Option(names = "--methods", split = ",", defaultValue = "dpo,tr-dpo-soft,tr-dpo-hard",
            description = "Methods, comma-separated: dpo, ipo, kto, hinge, or tr-<loss>-soft / tr-<loss>-hard "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--seed", defaultValue = "1", description = "First seed of world and training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seeds", defaultValue = "1", description = "How many seeds, from --seed on (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--embed", defaultValue = "64", description = "Model width (default: ${DEFAULT-VALUE}).")
    int embed;

    @Option(names = "--layers", defaultValue = "2", description = "Model depth (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--out", defaultValue = ".tralign/experiment",
            description = "Where curves.csv, summary.md, report.html and the charts go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--steps", defaultValue = "600", description = "Optimizer steps per method (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--pairs", defaultValue = "1000", description = "Preference pairs (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--batch", defaultValue = "16", description = "Pairs per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--beta", defaultValue = "0.02", description = "beta (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--lr", defaultValue = "5e-4", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--soft-tau", defaultValue = "8", description = "tau of soft updates (default: ${DEFAULT-VALUE}).")
    int softTau;

    @Option(names = "--hard-tau", defaultValue = "64", description = "tau of hard updates (default: ${DEFAULT-VALUE}).")
    int hardTau;

    @Option(names = "--eval-every", defaultValue = "25", description = "Steps between evaluations (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--eval-prompts", defaultValue = "128", description = "Held-out prompts judged (default: ${DEFAULT-VALUE}).")
    int evalPrompts;

    @Option(names = "--sft-steps", defaultValue = "600", description = "SFT steps (default: ${DEFAULT-VALUE}).")
    int sftSteps;

    @Option(names = "--end-probability", defaultValue = "0.08",
            description = "World: chance a completion ends after each letter (default: ${DEFAULT-VALUE}).")
    double endProbability;

    @Option(names = "--sweet-spot", defaultValue = "3",
            description = "World: target letters that still help; more are penalised (default: ${DEFAULT-VALUE}).")
    int sweetSpot;

    @Option(names = "--shared-targets", defaultValue = "2",
            description = "World: target letters shared by every prompt (default: ${DEFAULT-VALUE}).")
    int sharedTargets;

    @Option(names = "--annotator-temperature", defaultValue = "0.5",
            description = "World: Bradley-Terry temperature, 0 = deterministic (default: ${DEFAULT-VALUE}).")
    double annotatorTemperature;

    @Option(names = "--cache-dir", defaultValue = ".tralign/cache",
            description = "Where SFT checkpoints are cached (default: ${DEFAULT-VALUE}).")
    Path cacheDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1");
        }
        List<Method> parsed = new ArrayList<>();
        for (String name : methods) {
            parsed.add(Method.parse(name, softTau, hardTau));
        }
        List<ExperimentReport.SeedRun> runs = new ArrayList<>();
        for (long s = seed; s < seed + seeds; s++) {
            System.out.println("== seed " + s);
            SyntheticWorld world = new SyntheticWorld(WorldConfig.defaults(s).withShape(endProbability, sweetSpot)
                    .withSharedTargets(sharedTargets).withAnnotatorTemperature(annotatorTemperature));
            ExperimentRunner runner = new ExperimentRunner(world, new ExperimentRunner.Settings(pairs, batch, steps,
                    evalEvery, evalPrompts, beta, learningRate, s), System.out::println);
            SftRecipe.Settings defaults = SftRecipe.Settings.defaults();
            SftRecipe.Settings sft = new SftRecipe.Settings(embed, layers, defaults.heads(), defaults.samples(),
                    defaults.batchSize(), sftSteps, defaults.learningRate(), s);
            Path checkpoint = new SftRecipe(world, runner.tokens(), sft).checkpoint(cacheDir, System.out::println);
            runs.add(new ExperimentReport.SeedRun(s, runner.run(checkpoint, parsed)));
        }
        String command = "./tralign " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        System.out.println(ExperimentReport.write(out, command.trim(), runs));
        System.out.println("results: " + out.toAbsolutePath());
        return 0;
    }
}
