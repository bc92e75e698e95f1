package dev.tralign.app.cli;

import dev.tralign.bench.evaluator.EvaluatorBench;
import dev.tralign.bench.evaluator.EvaluatorWorkersBench;
import dev.tralign.bench.ingest.IngestBench;
import dev.tralign.stack.EmbeddedStack;
import dev.tralign.stack.StackOptions;
import dev.tralign.bench.trainer.MemoryBench;
import dev.tralign.bench.trainer.TrainerBench;
import dev.tralign.bench.pipeline.PipelineBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** Benchmarks: speed is measured here, side by side in one run, never in timed tests. */
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

    @Command(name = "trainer", mixinStandardHelpOptions = true,
            description = "One DPO step and one soft update of the tiny GPT (--arch gpt, the default) or of a randomly "
                    + "initialised Hugging Face decoder (--arch llama|qwen2|mistral|gpt_neox|gpt2, the peer's "
                    + "--arch llama shape: --kv-heads --intermediate; --tie true|false); prints one JSON line with "
                    + "the keys of ../shared/bench/torch_dpo_step.py. Flags: --vocab --embed --layers --heads --seq "
                    + "--pairs --threads --device cpu|gpu --steps (default 30) --warmup (default 20: the JIT's first "
                    + "steps are not timed) --beta --alpha --parallel-reference --backward-threads --shards 1|2 "
                    + "(default 2); --path torchscript --model FILE.pt trains a TorchScript export of the "
                    + "same model instead (bench/scripts/export_llama_torchscript.py); --lora-r R (--lora-targets, "
                    + "--lora-mix exact|factors) trains LoRA adapters over the frozen decoder.")
    static final class Trainer implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            System.out.println(TrainerBench.run(args.toArray(String[]::new)));
            return 0;
        }
    }

    @Command(name = "memory", mixinStandardHelpOptions = true,
            description = "Peak resident memory of float32 AdamW training with a moving reference (soft update every "
                    + "step) of a randomly initialised Hugging Face decoder, per parameter; default GPT-2 small "
                    + "(124M) on 2 pairs of 256 tokens, 3 steps. Flags: --arch (gpt2) --vocab --embed --layers "
                    + "--heads --kv-heads --intermediate --max-positions --tie --seq --pairs --steps --shards "
                    + "--parallel-reference; --lora-r R trains LoRA adapters over the frozen base instead (lora_alpha "
                    + "2R; --lora-targets, default all-linear; --lora-mix exact|factors). Without --arch: the "
                    + "long-run leak check of the tiny GPT (--steps, default 2000).")
    static final class Memory implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            MemoryBench.main(args.toArray(String[]::new));
            return 0;
        }
    }

    @Command(name = "lora-drift", mixinStandardHelpOptions = true,
            description = "How far lora_reference_mix=factors drifts from exact on a TR-DPO run with soft updates: "
                    + "relative Frobenius distance of the reference deltas at every update (mixing error on one "
                    + "trajectory), and both runs' losses and held-out accuracy against the base. Flags: --arch "
                    + "(llama) --vocab --embed --layers --heads --kv-heads --r (8) --lora-alpha (16) --targets "
                    + "(all-linear) --alpha (0.5) --tau (4) --steps (80) --lr (5e-3) --beta --pairs.")
    static final class LoraDrift implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            System.out.println(dev.tralign.bench.trainer.LoraDriftBench.run(args.toArray(String[]::new)));
            return 0;
        }
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = "The training loop fed from an embedded Kafka topic vs from memory (shape M); "
                    + "prints both step rates and the ratio. Flags: --steps --warmup.")
    static final class Pipeline implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            System.out.println(PipelineBench.run(args.toArray(String[]::new)));
            return 0;
        }
    }

    @Command(name = "evaluator", mixinStandardHelpOptions = true,
            description = "Win-rate aggregation throughput (judgments/s) and checkpoint-to-win-rate latency split into "
                    + "generation, judging and aggregation, on an embedded broker. Flags: --judgments --cells "
                    + "--prompts --checkpoints.")
    static final class Evaluator implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            System.out.println(EvaluatorBench.run(args.toArray(String[]::new)));
            return 0;
        }
    }

    @Command(name = "evaluator-workers", mixinStandardHelpOptions = true,
            description = "A checkpoint's wall time with 1, 2, 3 evaluator workers sharing its prompt-shard tasks "
                    + "(one group, embedded broker). Flags: --workers 1,2,3 --prompts --prompts-per-task --checkpoints "
                    + "--max-new-tokens --dim --layers --heads.")
    static final class EvaluatorWorkers implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            System.out.println(EvaluatorWorkersBench.run(args.toArray(String[]::new)));
            return 0;
        }
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "HH-RLHF repeated to ~100k pairs through tralign ingest vs the same bytes through a plain "
                    + "byte-array producer, on an embedded broker; prints both rates and the ratio.")
    static final class Ingest implements Callable<Integer> {

        @Option(names = "--pairs", defaultValue = "100000", description = "Lines to ingest (default: ${DEFAULT-VALUE}).")
        int pairs;

        @Option(names = "--rounds", defaultValue = "2", description = "Rounds, best kept (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--input", description = "HH-RLHF file (default: ../shared/data/hh-rlhf/harmless-base-test.jsonl.gz).")
        Path input;

        @Option(names = "--warmup", description = "Warm-up rounds, not counted (default: enough for 200,000 records "
                + "per side).")
        Integer warmup;

        @Option(names = "--transaction-records", description = "Records per import transaction (default: the "
                + "importer's own, 20,000).")
        Integer transactionRecords;

        @Option(names = "--sides", defaultValue = "both", description = "both | ingest | plain: one side alone is "
                + "for profiling it (no ratio then; default: ${DEFAULT-VALUE}).")
        String sides;

        @Option(names = "--baseline", defaultValue = "bytes", description = "bytes | avro: the plain producer sends "
                + "the file's lines (the issue's baseline) or the records the import publishes, serialized before the "
                + "clock starts (default: ${DEFAULT-VALUE}).")
        String baseline;

        @Option(names = "--bootstrap-servers", description = "Use this broker (e.g. a separate `tralign stack`, "
                + "so its CPU is not counted with the clients') instead of an embedded one; needs --registry-url.")
        String bootstrapServers;

        @Option(names = "--registry-url", description = "The schema registry of --bootstrap-servers.")
        String registryUrl;

        @Override
        public Integer call() throws Exception {
            Path file = input != null ? input : Home.sharedData("hh-rlhf/harmless-base-test.jsonl.gz");
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("input " + file + " cannot be read: pass --input FILE");
            }
            IngestBench.checkChoices(sides, baseline); // before an embedded stack starts
            if ((bootstrapServers == null) != (registryUrl == null)) {
                throw new IllegalArgumentException("give --bootstrap-servers and --registry-url together (or neither,"
                        + " for an embedded stack)");
            }
            Path work = Files.createTempDirectory("tralign-bench-ingest");
            try {
                if (bootstrapServers != null) {
                    System.out.println(IngestBench.run(arguments(bootstrapServers, registryUrl, file, work)));
                    return 0;
                }
                try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults()
                        .withDataDir(work.resolve("stack")).withKafkaPort(0).withRegistryPort(0))) {
                    System.out.println(IngestBench.run(arguments(stack.bootstrapServers(), stack.registryUrl(), file,
                            work)));
                }
            } finally {
                deleteTree(work); // the broker's data: ~1.5 GB for 12 rounds of 50,000 lines
            }
            return 0;
        }

        private String[] arguments(String bootstrap, String registry, Path file, Path work) {
            List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--registry-url", registry,
                    "--input", file.toString(), "--pairs", Integer.toString(pairs), "--rounds",
                    Integer.toString(rounds), "--work-dir", work.toString(), "--sides", sides, "--baseline",
                    baseline));
            if (warmup != null) {
                args.addAll(List.of("--warmup", Integer.toString(warmup)));
            }
            if (transactionRecords != null) {
                args.addAll(List.of("--transaction-records", Integer.toString(transactionRecords)));
            }
            return args.toArray(String[]::new);
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
