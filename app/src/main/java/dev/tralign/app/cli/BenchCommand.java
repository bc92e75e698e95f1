package dev.tralign.app.cli;

import dev.tralign.bench.BenchFlags;
import dev.tralign.bench.evaluator.EvaluatorBench;
import dev.tralign.bench.evaluator.EvaluatorWorkersBench;
import dev.tralign.bench.ingest.IngestBench;
import dev.tralign.bench.pipeline.PipelineBench;
import dev.tralign.bench.trainer.LoraDriftBench;
import dev.tralign.bench.trainer.MemoryBench;
import dev.tralign.bench.trainer.TrainerBench;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.StackOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Unmatched;

/**
 * Benchmarks: speed is measured here, side by side in one run, never in timed tests. Every bench takes its flags
 * through its {@link BenchFlags} (one parser: an unknown flag or a bad value is refused before anything starts), and
 * its --help lists them from those declarations.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: trainer step vs the PyTorch peer's keys, trainer memory, ingest vs a plain "
                + "producer, Kafka-fed vs in-memory training, evaluator throughput and latency.",
        subcommands = {BenchCommand.Trainer.class, BenchCommand.Memory.class, BenchCommand.Ingest.class,
            BenchCommand.Pipeline.class, BenchCommand.Evaluator.class, BenchCommand.EvaluatorWorkers.class,
            BenchCommand.LoraDrift.class})
final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * One bench: its arguments go unparsed to the bench's {@link BenchFlags} ({@link #flags}), which refuses what it
     * does not know; {@link #check} runs before anything starts.
     */
    abstract static class Bench implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        /** The bench's declared flags (its --help lists them). */
        abstract BenchFlags flags();

        /** Parses and checks {@code arguments} as the bench will; throws naming the flag and the fix. */
        void check(String... arguments) {
            flags().parse(arguments);
        }

        /** Runs the bench and returns its report. */
        abstract String run(String[] arguments) throws Exception;

        @Override
        public Integer call() throws Exception {
            String[] arguments = args.toArray(String[]::new);
            check(arguments);
            System.out.println(run(arguments));
            return 0;
        }
    }

    /** Puts the bench's declared flags under its usage text (--help). */
    static final class FlagsHelp implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            Bench bench = (Bench) spec.userObject();
            // One footer line per help line; picocli reads footers as format strings, hence %% for %.
            String[] lines = ("\n" + bench.flags().help()).replace("%", "%%").split("\n");
            spec.usageMessage().footer(lines);
            return spec;
        }
    }

    @Command(name = "trainer", mixinStandardHelpOptions = true, modelTransformer = FlagsHelp.class,
            description = "One DPO step and one soft update of the tiny GPT (--arch gpt, the default) or of a randomly "
                    + "initialised Hugging Face decoder (--arch llama|qwen2|mistral|gpt_neox|gpt2, the peer's "
                    + "--arch llama shape); prints one JSON line with the keys of ../shared/bench/torch_dpo_step.py. "
                    + "--path torchscript --model FILE.pt trains a TorchScript export of the same model instead "
                    + "(bench/scripts/export_llama_torchscript.py); --lora-r R trains LoRA adapters over the frozen "
                    + "decoder.")
    static final class Trainer extends Bench {
        @Override
        BenchFlags flags() {
            return TrainerBench.FLAGS;
        }

        @Override
        String run(String[] arguments) {
            return TrainerBench.run(arguments);
        }
    }

    @Command(name = "memory", mixinStandardHelpOptions = true, modelTransformer = FlagsHelp.class,
            description = "Peak resident memory of float32 AdamW training with a moving reference (soft update every "
                    + "step) of a randomly initialised Hugging Face decoder (--arch), per parameter; default GPT-2 "
                    + "small (124M) on 2 pairs of 256 tokens, 3 steps; --lora-r R trains LoRA adapters over the "
                    + "frozen base instead. Without --arch: the long-run leak check of the tiny GPT (--steps, "
                    + "default 2000), which takes no other flag.")
    static final class Memory extends Bench {
        @Override
        BenchFlags flags() {
            return MemoryBench.FLAGS;
        }

        @Override
        void check(String... arguments) {
            MemoryBench.parse(arguments);
        }

        @Override
        String run(String[] arguments) {
            return MemoryBench.run(arguments);
        }
    }

    @Command(name = "lora-drift", mixinStandardHelpOptions = true, modelTransformer = FlagsHelp.class,
            description = "How far lora_reference_mix=factors drifts from exact on a TR-DPO run with soft updates: "
                    + "relative Frobenius distance of the reference deltas at every update (mixing error on one "
                    + "trajectory), and both runs' losses and held-out accuracy against the base.")
    static final class LoraDrift extends Bench {
        @Override
        BenchFlags flags() {
            return LoraDriftBench.FLAGS;
        }

        @Override
        String run(String[] arguments) {
            return LoraDriftBench.run(arguments);
        }
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true, modelTransformer = FlagsHelp.class,
            description = "The training loop fed from an embedded Kafka topic vs from memory (shape M); "
                    + "prints both step rates and the ratio.")
    static final class Pipeline extends Bench {
        @Override
        BenchFlags flags() {
            return PipelineBench.FLAGS;
        }

        @Override
        String run(String[] arguments) {
            return PipelineBench.run(arguments);
        }
    }

    @Command(name = "evaluator", mixinStandardHelpOptions = true, modelTransformer = FlagsHelp.class,
            description = "Win-rate aggregation throughput (judgments/s) and checkpoint-to-win-rate latency split into "
                    + "generation, judging and aggregation, on an embedded broker.")
    static final class Evaluator extends Bench {
        @Override
        BenchFlags flags() {
            return EvaluatorBench.FLAGS;
        }

        @Override
        String run(String[] arguments) throws Exception {
            return EvaluatorBench.run(arguments);
        }
    }

    @Command(name = "evaluator-workers", mixinStandardHelpOptions = true, modelTransformer = FlagsHelp.class,
            description = "A checkpoint's wall time with 1, 2, 3 evaluator workers sharing its prompt-shard tasks "
                    + "(one group, embedded broker).")
    static final class EvaluatorWorkers extends Bench {
        @Override
        BenchFlags flags() {
            return EvaluatorWorkersBench.FLAGS;
        }

        @Override
        String run(String[] arguments) throws Exception {
            return EvaluatorWorkersBench.run(arguments);
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true, modelTransformer = FlagsHelp.class,
            description = "HH-RLHF repeated to ~100k pairs through tralign ingest vs the same bytes through a plain "
                    + "byte-array producer, on an embedded broker (or --bootstrap-servers with --registry-url); "
                    + "prints both rates and the ratio.")
    static final class Ingest extends Bench {
        @Override
        BenchFlags flags() {
            return IngestBench.FLAGS;
        }

        @Override
        void check(String... arguments) {
            BenchFlags.Values flags = IngestBench.FLAGS.parse(arguments);
            if (flags.given("bootstrap-servers") != flags.given("registry-url")) {
                throw new IllegalArgumentException("bench ingest: give --bootstrap-servers and --registry-url "
                        + "together (or neither, for an embedded stack)");
            }
        }

        @Override
        String run(String[] arguments) throws Exception {
            BenchFlags.Values flags = IngestBench.FLAGS.parse(arguments);
            List<String> all = new ArrayList<>(List.of(arguments));
            Path file = flags.given("input") ? Path.of(flags.optionalString("input"))
                    : Home.sharedData("hh-rlhf/harmless-base-test.jsonl.gz");
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("bench ingest: input " + file + " cannot be read: pass --input "
                        + "FILE");
            }
            if (!flags.given("input")) {
                all.addAll(List.of("--input", file.toString()));
            }
            Path work = Files.createTempDirectory("tralign-bench-ingest");
            try {
                if (!flags.given("work-dir")) {
                    all.addAll(List.of("--work-dir", work.toString()));
                }
                if (flags.given("bootstrap-servers")) {
                    return IngestBench.run(all.toArray(String[]::new));
                }
                try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults()
                        .withDataDir(work.resolve("stack")).withKafkaPort(0).withRegistryPort(0))) {
                    all.addAll(List.of("--bootstrap-servers", stack.bootstrapServers(), "--registry-url",
                            stack.registryUrl()));
                    return IngestBench.run(all.toArray(String[]::new));
                }
            } finally {
                deleteTree(work); // the broker's data: ~1.5 GB for 12 rounds of 50,000 lines
            }
        }

        private static void deleteTree(Path root) throws java.io.IOException {
            try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
