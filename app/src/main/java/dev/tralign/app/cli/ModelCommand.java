package dev.tralign.app.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.trainer.Policy;
import dev.tralign.trainer.SamplingConfig;
import dev.tralign.trainer.model.ParameterSet;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.hf.Architecture;
import dev.tralign.trainer.model.hf.DecoderLayout;
import dev.tralign.trainer.model.hf.DecoderSpec;
import dev.tralign.trainer.model.hf.HfFolderInfo;
import dev.tralign.trainer.model.hf.HfGeneration;
import dev.tralign.trainer.model.hf.HfInit;
import dev.tralign.trainer.model.hf.HfModelFolder;
import dev.tralign.trainer.model.hf.HfScoring;
import dev.tralign.trainer.model.hf.HfTokenizer;
import dev.tralign.trainer.tokenizer.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Hugging Face model folders: look inside, score, generate, and make fresh ones. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Hugging Face model folders (gpt_neox, llama, qwen2, mistral, gpt2): inspect, score, generate, "
                + "init.",
        subcommands = {ModelCommand.Inspect.class, ModelCommand.LogProbs.class, ModelCommand.Generate.class,
            ModelCommand.Init.class})
final class ModelCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** --model DIR, shared by the subcommands that read a folder. */
    static final class ModelOption {
        @Option(names = "--model", required = true, paramLabel = "DIR",
                description = "Local Hugging Face model folder (config.json, model.safetensors[.index.json]).")
        Path model;
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Architecture, parameter count, dtype, vocabulary, special tokens, chat template.")
    static final class Inspect implements Callable<Integer> {

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @picocli.CommandLine.Mixin
        ModelOption folder;

        @Override
        public Integer call() {
            try (HfModelFolder.Loaded loaded = HfModelFolder.load(folder.model, 0, Device.cpu())) {
                HfFolderInfo info = loaded.info();
                DecoderSpec s = info.spec();
                out(spec).printf("architecture      %s (%s)%n", info.architecture().modelType(),
                        info.architecture().className());
                out(spec).printf("parameters        %,d%n", info.parameterCount());
                out(spec).printf("stored dtype      %s (computed in float32)%n", String.join(", ",
                        info.storedDtypes()));
                out(spec).printf("vocabulary        %d%n", s.vocabSize());
                out(spec).printf("shape             hidden %d, layers %d, heads %d (kv %d, head size %d), mlp %d "
                        + "(%s)%n", s.hidden(), s.layers(), s.heads(), s.kvHeads(), s.headDim(), s.intermediate(),
                        s.mlp().name().toLowerCase());
                out(spec).printf("positions         %d (%s)%n", s.maxPositions(), s.learnedPositions() ? "learned"
                        : "rotary on " + s.rotaryDims() + " of " + s.headDim() + " dims, theta " + s.rope().theta());
                out(spec).printf("norm / residual   %s eps %s / %s; head %s%n", s.norm().name().toLowerCase(),
                        s.normEps(), s.parallelResidual() ? "parallel" : "sequential", s.tiedHead() ? "tied" : "own");
                out(spec).printf("special tokens    bos %s, eos %s, pad %s%n", orNone(info.ids().bos()),
                        info.ids().eos().isEmpty() ? "none" : info.ids().eos(), orNone(info.ids().pad()));
                out(spec).printf("tokenizer         %s%n", info.tokenizer() == null ? "none (no tokenizer.json)"
                        : info.tokenizer().getFileName());
                out(spec).printf("chat template     %s%n", info.chatTemplate() ? "yes" : "no");
            }
            return 0;
        }

        private static String orNone(Integer id) {
            return id == null ? "none" : id.toString();
        }
    }

    @Command(name = "logprobs", mixinStandardHelpOptions = true,
            description = "Score one token sequence: one JSON line with token_logprobs, completion_logprob_sum and "
                    + "last_logits.")
    static final class LogProbs implements Callable<Integer> {

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @picocli.CommandLine.Mixin
        ModelOption folder;

        @Option(names = "--ids", required = true, split = ",", paramLabel = "ID", description = "Token ids, e.g. 1,2,3.")
        long[] ids;

        @Option(names = "--prompt-length", defaultValue = "1",
                description = "Leading ids that are prompt; the rest is the completion (default: ${DEFAULT-VALUE}).")
        int promptLength;

        @Override
        public Integer call() {
            try (HfModelFolder.Loaded loaded = HfModelFolder.load(folder.model, 0, Device.cpu())) {
                checkIds(ids, loaded.info().spec().vocabSize());
                HfScoring.Scores s = HfScoring.score(loaded.model(), loaded.parameters(), ids, promptLength);
                ObjectNode out = JSON.createObjectNode();
                ArrayNode tokens = out.putArray("token_logprobs");
                Arrays.stream(s.tokenLogProbs()).forEach(tokens::add);
                out.put("completion_logprob_sum", s.completionLogProbSum());
                ArrayNode last = out.putArray("last_logits");
                for (float f : s.lastLogits()) {
                    last.add(f);
                }
                out(spec).println(out);
                out(spec).flush();
            }
            return 0;
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Decoding with the key/value cache, greedy unless --temperature is given: one JSON line with "
                    + "the new ids (and text when the folder has a tokenizer.json).")
    static final class Generate implements Callable<Integer> {

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @picocli.CommandLine.Mixin
        ModelOption folder;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Input input;

        static final class Input {
            @Option(names = "--ids", split = ",", paramLabel = "ID", description = "Prompt token ids.")
            long[] ids;

            @Option(names = "--prompt", paramLabel = "TEXT",
                    description = "Prompt text, tokenized with the folder's tokenizer.json (special tokens as its "
                            + "post-processor adds them).")
            String text;
        }

        @Option(names = "--max-new-tokens", defaultValue = "32", description = "Default: ${DEFAULT-VALUE}.")
        int maxNewTokens;

        @Option(names = "--temperature", defaultValue = "0",
                description = "0 = greedy (default); above 0 samples at that temperature.")
        double temperature;

        @Option(names = "--top-k", defaultValue = "0", description = "With --temperature: keep the k most likely "
                + "tokens (0 = all).")
        int topK;

        @Option(names = "--top-p", defaultValue = "1", description = "With --temperature: nucleus sampling (1 = off).")
        double topP;

        @Option(names = "--seed", defaultValue = "1", description = "With --temperature: the sampling seed (same "
                + "seed, same output). Default: ${DEFAULT-VALUE}.")
        long seed;

        @Override
        public Integer call() {
            if (temperature < 0 || !Double.isFinite(temperature)) {
                throw new IllegalArgumentException("--temperature must be >= 0 (0 = greedy), got " + temperature);
            }
            try (HfModelFolder.Loaded loaded = HfModelFolder.load(folder.model, 0, Device.cpu());
                    HfTokenizer tokenizer = loaded.info().tokenizer() == null ? null
                            : HfTokenizer.load(loaded.info().tokenizer())) {
                int[] prompt;
                if (input.text != null) {
                    if (tokenizer == null) {
                        throw new IllegalArgumentException(folder.model + " has no tokenizer.json: pass --ids");
                    }
                    prompt = tokenizer.encode(input.text, true);
                } else {
                    checkIds(input.ids, loaded.info().spec().vocabSize());
                    prompt = Arrays.stream(input.ids).mapToInt(Math::toIntExact).toArray();
                }
                List<Integer> eos = loaded.info().ids().eos();
                int eosId = eos.isEmpty() ? -1 : eos.get(0);
                int[] generated = temperature == 0
                        ? HfGeneration.greedy(loaded.model(), loaded.parameters(), prompt, maxNewTokens, eosId)
                        : Policy.of(loaded).sample(List.of(prompt), new SamplingConfig(temperature, topK, topP,
                                maxNewTokens, eosId), seed)[0];
                ObjectNode out = JSON.createObjectNode();
                ArrayNode ids = out.putArray("ids");
                Arrays.stream(generated).forEach(ids::add);
                if (tokenizer != null) {
                    out.put("text", tokenizer.decode(generated));
                }
                out(spec).println(out);
                out(spec).flush();
            }
            return 0;
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Write a randomly initialised model folder (config.json, generation_config.json, "
                    + "model.safetensors) with the architecture's released conventions at the given shape.")
    static final class Init implements Callable<Integer> {

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--arch", required = true, description = "gpt_neox, llama, qwen2, mistral or gpt2.")
        String arch;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to create.")
        Path out;

        @Option(names = "--tokenizer", paramLabel = "FILE",
                description = "tokenizer.json to copy into the folder; the vocabulary then defaults to its size.")
        Path tokenizer;

        @Option(names = "--vocab", description = "Vocabulary size (default: the tokenizer's, else 512).")
        Integer vocab;

        @Option(names = "--hidden", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
        int hidden;

        @Option(names = "--layers", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
        int layers;

        @Option(names = "--heads", defaultValue = "4", description = "Default: ${DEFAULT-VALUE}.")
        int heads;

        @Option(names = "--kv-heads", defaultValue = "0",
                description = "Key/value heads for llama/qwen2/mistral (default: as many as --heads).")
        int kvHeads;

        @Option(names = "--intermediate", defaultValue = "0",
                description = "MLP width (default: 4 x hidden; about 8/3 x hidden for SwiGLU).")
        int intermediate;

        @Option(names = "--max-positions", defaultValue = "512", description = "Default: ${DEFAULT-VALUE}.")
        int maxPositions;

        @Option(names = "--tie", negatable = true, description = "Tie the head to the embeddings (default: only "
                + "for gpt2).")
        Boolean tie;

        @Option(names = "--bos", description = "bos_token_id for generation_config.json.")
        Integer bos;

        @Option(names = "--eos", description = "eos_token_id for generation_config.json.")
        Integer eos;

        @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
        long seed;

        @Override
        public Integer call() throws IOException {
            Architecture a = Architecture.named(arch);
            if (Files.exists(out.resolve("config.json"))) {
                throw new IllegalArgumentException(out + " already holds a model (config.json): pick a new --out");
            }
            int vocabSize = vocab != null ? vocab : tokenizer != null ? HuggingFaceTokenizer.vocabSizeOf(tokenizer) : 512;
            boolean tied = tie != null ? tie : a == Architecture.GPT2;
            DecoderSpec s = HfInit.spec(a, new HfInit.Shape(vocabSize, hidden, layers, heads, kvHeads, intermediate,
                    maxPositions, tied));
            try (ParameterSet params = HfInit.parameters(s, seed, Device.cpu())) {
                HfModelFolder.write(out, a, s, params, new HfModelFolder.GenerationIds(bos,
                        eos == null ? List.of() : List.of(eos), null));
            }
            if (tokenizer != null) {
                Files.copy(tokenizer, out.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            long count = DecoderLayout.of(s).stream().mapToLong(ParameterSpec::size).sum();
            out(spec).printf("wrote %s: %s, %,d parameters, vocabulary %d%n", out, a.modelType(), count, vocabSize);
            return 0;
        }
    }

    private static java.io.PrintWriter out(picocli.CommandLine.Model.CommandSpec spec) {
        return spec.commandLine().getOut();
    }

    static void checkIds(long[] ids, int vocab) {
        for (long id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }
}
