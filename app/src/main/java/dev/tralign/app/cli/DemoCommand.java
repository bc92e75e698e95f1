package dev.tralign.app.cli;

import dev.tralign.app.demo.DemoRunner;
import dev.tralign.app.demo.DemoSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The one-command demo: the whole pipeline on the embedded default with a synthetic world whose truth is known. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline on the embedded default: feedback -> ingest -> DPO and TR-DPO runs -> "
                + "judged checkpoints -> win rates, table and report.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--methods", split = ",", defaultValue = "dpo,tr-dpo-soft,tr-dpo-hard",
            description = "Runs to train, comma-separated: dpo, ipo, kto, hinge or tr-<loss>-soft / tr-<loss>-hard "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--seed", defaultValue = "1", description = "World and training seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", defaultValue = "600", description = "Optimizer steps per run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--pairs", defaultValue = "1000",
            description = "Preference pairs the simulated annotators send (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--batch", defaultValue = "16", description = "Pairs per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--checkpoint-every", defaultValue = "50",
            description = "Steps between judged checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--eval-prompts", defaultValue = "256",
            description = "Held-out prompts judged per checkpoint (default: ${DEFAULT-VALUE}).")
    int evalPrompts;

    @Option(names = "--beta", defaultValue = "0.02",
            description = "beta; small enough that over-optimization shows within the default steps "
                    + "(default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--lr", defaultValue = "5e-4", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--soft-tau", defaultValue = "8", description = "tau of soft updates, alpha 0.6 "
            + "(default: ${DEFAULT-VALUE}).")
    int softTau;

    @Option(names = "--hard-tau", defaultValue = "64", description = "tau of hard updates, alpha 1 "
            + "(default: ${DEFAULT-VALUE}).")
    int hardTau;

    @Option(names = "--sft-steps", defaultValue = "600",
            description = "Steps of SFT on the world's language (cached per recipe) (default: ${DEFAULT-VALUE}).")
    int sftSteps;

    @Option(names = "--online", description = "Add an online run beside the offline ones: --online-method trained in "
            + "rounds, each one pass over the annotators' pairs plus pairs the gold judge made of the previous round's "
            + "own samples on training prompts (tralign.preferences.online); see docs/online.md.")
    boolean online;

    @Option(names = "--online-method", defaultValue = "tr-dpo-soft",
            description = "Method of the online run (default: ${DEFAULT-VALUE}).")
    String onlineMethod;

    @Option(names = "--online-prompt-fraction", defaultValue = "1",
            description = "Share of the training prompts the current policy samples twice per round; 0 runs the "
                    + "same rounds without on-policy pairs, as a control (default: ${DEFAULT-VALUE}).")
    double onlinePromptFraction;

    @Option(names = "--online-mix", defaultValue = "0.7",
            description = "Offline share of a round's records; input.mix is this and 1 minus this "
                    + "(default: ${DEFAULT-VALUE}).")
    double onlineMix;

    @Option(names = "--work-dir", defaultValue = ".tralign/demo",
            description = "Stack data, checkpoints, cache and report (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--dashboard-port", defaultValue = "0",
            description = "Port of the live dashboard, 0 = any free port (default: ${DEFAULT-VALUE}).")
    int dashboardPort;

    @Option(names = "--bootstrap", description = "Use a real Kafka cluster instead of the embedded one.")
    String bootstrap;

    @Option(names = "--registry", description = "Schema registry URL of that cluster (with --bootstrap).")
    String registry;

    @Option(names = "--kl-budget", defaultValue = "20",
            description = "KL to SFT (nats/sequence) over which the guard alerts (default: ${DEFAULT-VALUE}).")
    double klBudget;

    @Option(names = "--online-from-champion", description = "With --online: each round samples from the series' "
            + "champion (tralign.promotions) instead of the latest policy, once the evaluator has decided every "
            + "checkpoint before the round (waits up to 120 s).")
    boolean onlineFromChampion;

    @Option(names = "--stop-at-budget", split = ",",
            description = "Methods whose runs stop one checkpoint after the one over the KL budget "
                    + "(guard.kl_budget.policy=stop); the others are only warned (default: none).")
    List<String> stopAtBudget = List.of();

    @Override
    public Integer call() throws Exception {
        DemoSettings settings = new DemoSettings(workDir, bootstrap, registry, seed, methods, pairs, steps, batch,
                checkpointEvery, evalPrompts, beta, learningRate, softTau, hardTau, dashboardPort, sftSteps,
                online ? new DemoSettings.Online(onlineMethod, onlinePromptFraction, onlineMix, onlineFromChampion)
                        : null,
                new DemoSettings.Guard(klBudget, stopAtBudget));
        new DemoRunner(settings, line -> {
            System.out.println(line);
            System.out.flush();
        }).run();
        return 0;
    }
}
