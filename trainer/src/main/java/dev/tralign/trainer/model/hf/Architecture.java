package dev.tralign.trainer.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tralign.trainer.model.hf.DecoderSpec.MlpKind;
import dev.tralign.trainer.model.hf.DecoderSpec.NormKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Hugging Face architectures the native decoder runs: how each one's {@code config.json} becomes a
 * {@link DecoderSpec} (refusing values the decoder does not implement), how its tensors are named and laid out
 * ({@link TensorRule}s, like llama.cpp's per-architecture tensor tables), and the config.json a fresh or exported
 * model gets. Defaults are transformers 4.45's config-class defaults.
 */
public enum Architecture {

    /** GPT-NeoX (Pythia): fused per-head interleaved qkv, partial rotary, parallel residual, LayerNorm, GELU. */
    GPT_NEOX("gpt_neox", "GPTNeoXForCausalLM", "gpt_neox") {
        @Override
        DecoderSpec spec(HfConfig c, int maxSeqLen) {
            int hidden = c.requireInt("hidden_size");
            int heads = c.requireInt("num_attention_heads");
            int headDim = divide(c, hidden, heads);
            double pct = agreeing(c, "rotary_pct", "partial_rotary_factor", 0.25);
            int rotary = (int) (headDim * pct);
            if (rotary % 2 != 0) {
                throw c.refuse("rotary_pct", "head size " + headDim + " x rotary_pct gives " + rotary
                        + " rotary dimensions; an even number is needed");
            }
            double theta = agreeing(c, "rope_theta", "rotary_emb_base", 10000);
            boolean bias = c.boolOr("attention_bias", true);
            DecoderSpec s = new DecoderSpec(modelType, c.requireInt("vocab_size"), hidden,
                    c.requireInt("num_hidden_layers"), heads, heads, headDim, c.requireInt("intermediate_size"),
                    c.intOr("max_position_embeddings", 2048), NormKind.LAYER_NORM, c.doubleOr("layer_norm_eps", 1e-5),
                    rotary, rotary == 0 ? null : new RopeSpec(theta, ropeScaling(c, "linear")), false,
                    c.boolOr("use_parallel_residual", true), bias, bias, true, gelu(c, "hidden_act", "gelu"),
                    c.boolOr("tie_word_embeddings", false), 1 / Math.sqrt(headDim),
                    c.doubleOr("initializer_range", 0.02));
            checkLength(c, s, maxSeqLen);
            return s;
        }

        @Override
        List<TensorRule> rules(DecoderSpec s) {
            List<TensorRule> out = new ArrayList<>();
            out.add(new TensorRule.Copy("tok.weight", "gpt_neox.embed_in.weight"));
            for (int i = 0; i < s.layers(); i++) {
                String p = "blocks." + i + ".";
                String h = "gpt_neox.layers." + i + ".";
                norm(out, s, p + "ln1", h + "input_layernorm");
                out.add(new TensorRule.HeadInterleavedQkv(p + "qkv.weight", h + "attention.query_key_value.weight",
                        s.heads(), s.headDim()));
                if (s.qkvBias()) {
                    out.add(new TensorRule.HeadInterleavedQkv(p + "qkv.bias", h + "attention.query_key_value.bias",
                            s.heads(), s.headDim()));
                }
                linear(out, s.outBias(), p + "proj", h + "attention.dense");
                norm(out, s, p + "ln2", h + "post_attention_layernorm");
                linear(out, true, p + "fc", h + "mlp.dense_h_to_4h");
                linear(out, true, p + "out", h + "mlp.dense_4h_to_h");
            }
            norm(out, s, "ln", "gpt_neox.final_layer_norm");
            if (!s.tiedHead()) {
                out.add(new TensorRule.Copy("head.weight", "embed_out.weight"));
            }
            return out;
        }

        @Override
        public List<LinearModule> linearModules(DecoderSpec s) {
            List<LinearModule> out = new ArrayList<>();
            long e = s.hidden();
            long hd = (long) s.heads() * s.headDim();
            int[] interleaved = new int[Math.toIntExact(3 * hd)];
            for (int h = 0; h < s.heads(); h++) {
                for (int part = 0; part < 3; part++) {
                    for (int j = 0; j < s.headDim(); j++) {
                        interleaved[(h * 3 + part) * s.headDim() + j] = (part * s.heads() + h) * s.headDim() + j;
                    }
                }
            }
            for (int i = 0; i < s.layers(); i++) {
                String p = "blocks." + i + ".";
                String h = "gpt_neox.layers." + i + ".";
                out.add(new LinearModule("query_key_value", h + "attention.query_key_value", p + "qkv", 0, 3 * hd, e,
                        interleaved, false));
                out.add(LinearModule.linear("dense", h + "attention.dense", p + "proj", 0, e, hd));
                out.add(LinearModule.linear("dense_h_to_4h", h + "mlp.dense_h_to_4h", p + "fc", 0, s.intermediate(),
                        e));
                out.add(LinearModule.linear("dense_4h_to_h", h + "mlp.dense_4h_to_h", p + "out", 0, e,
                        s.intermediate()));
            }
            return out;
        }

        @Override
        void describe(DecoderSpec s, ObjectNode c) {
            c.put("hidden_size", s.hidden()).put("num_attention_heads", s.heads())
                    .put("num_hidden_layers", s.layers()).put("intermediate_size", s.intermediate())
                    .put("max_position_embeddings", s.maxPositions()).put("layer_norm_eps", s.normEps())
                    .put("rotary_pct", (double) s.rotaryDims() / s.headDim())
                    .put("rotary_emb_base", s.rope() == null ? 10000 : s.rope().theta())
                    .put("use_parallel_residual", s.parallelResidual()).put("attention_bias", s.qkvBias())
                    .put("hidden_act", s.mlp() == MlpKind.GELU_EXACT ? "gelu" : "gelu_new");
        }
    },

    /** Llama 2/3, TinyLlama, SmolLM: RMSNorm, rotary over the whole head, grouped-query attention, SwiGLU. */
    LLAMA("llama", "LlamaForCausalLM", "model") {
        @Override
        DecoderSpec spec(HfConfig c, int maxSeqLen) {
            boolean attentionBias = c.boolOr("attention_bias", false);
            return llamaFamily(c, maxSeqLen, true, attentionBias, attentionBias, c.boolOr("mlp_bias", false));
        }
    },

    /** Qwen2 / Qwen2.5: Llama plus q/k/v biases; optional sliding window (refused where it would matter). */
    QWEN2("qwen2", "Qwen2ForCausalLM", "model") {
        @Override
        DecoderSpec spec(HfConfig c, int maxSeqLen) {
            DecoderSpec s = llamaFamily(c, maxSeqLen, false, true, false, false);
            if (c.boolOr("use_sliding_window", false) && c.has("sliding_window")
                    && c.intOr("max_window_layers", 28) < s.layers()
                    && c.requireInt("sliding_window") < runLength(s, maxSeqLen)) {
                throw c.refuse("use_sliding_window", "sliding-window attention (window " + c.requireInt("sliding_window")
                        + ") would apply to layers >= max_window_layers at sequence length " + runLength(s, maxSeqLen)
                        + "; only full attention is implemented: set use_sliding_window false or run sequences of "
                        + "at most the window");
            }
            return s;
        }

        @Override
        void describe(DecoderSpec s, ObjectNode c) {
            super.describe(s, c);
            c.remove("attention_bias");
            c.remove("mlp_bias");
            c.remove("head_dim");
            c.put("use_sliding_window", false).putNull("sliding_window");
        }
    },

    /** Mistral: Llama's block without biases; its sliding window is refused where it would matter. */
    MISTRAL("mistral", "MistralForCausalLM", "model") {
        @Override
        DecoderSpec spec(HfConfig c, int maxSeqLen) {
            DecoderSpec s = llamaFamily(c, maxSeqLen, true, false, false, false);
            // MistralConfig's default window is 4096: a missing key means the default, JSON null means none.
            int window = c.root().has("sliding_window") ? c.intOr("sliding_window", Integer.MAX_VALUE) : 4096;
            if (window < runLength(s, maxSeqLen)) {
                throw c.refuse("sliding_window", "sliding-window attention of " + window + " tokens would matter at "
                        + "sequence length " + runLength(s, maxSeqLen) + "; only full attention is implemented: run "
                        + "sequences of at most " + window + " tokens");
            }
            return s;
        }

        @Override
        void describe(DecoderSpec s, ObjectNode c) {
            super.describe(s, c);
            c.remove("attention_bias");
            c.remove("mlp_bias");
            c.putNull("sliding_window");
        }
    },

    /** GPT-2: learned positions, Conv1D weights [in, out], LayerNorm, tanh GELU, tied head. */
    GPT2("gpt2", "GPT2LMHeadModel", "transformer") {
        @Override
        DecoderSpec spec(HfConfig c, int maxSeqLen) {
            if (c.boolOr("add_cross_attention", false)) {
                throw c.refuse("add_cross_attention", "decoder-only models (false)");
            }
            if (c.boolOr("scale_attn_by_inverse_layer_idx", false)) {
                throw c.refuse("scale_attn_by_inverse_layer_idx", "false (the default)");
            }
            int hidden = c.requireInt("n_embd");
            int heads = c.requireInt("n_head");
            int headDim = divide(c, hidden, heads);
            DecoderSpec s = new DecoderSpec(modelType, c.requireInt("vocab_size"), hidden, c.requireInt("n_layer"),
                    heads, heads, headDim, c.intOr("n_inner", 4 * hidden), c.intOr("n_positions", 1024),
                    NormKind.LAYER_NORM, c.doubleOr("layer_norm_epsilon", 1e-5), 0, null, true, false, true, true,
                    true, gelu(c, "activation_function", "gelu_new"), c.boolOr("tie_word_embeddings", true),
                    c.boolOr("scale_attn_weights", true) ? 1 / Math.sqrt(headDim) : 1.0,
                    c.doubleOr("initializer_range", 0.02));
            checkLength(c, s, maxSeqLen);
            return s;
        }

        @Override
        List<TensorRule> rules(DecoderSpec s) {
            List<TensorRule> out = new ArrayList<>();
            out.add(new TensorRule.Copy("tok.weight", "transformer.wte.weight"));
            out.add(new TensorRule.Copy("pos.weight", "transformer.wpe.weight"));
            for (int i = 0; i < s.layers(); i++) {
                String p = "blocks." + i + ".";
                String h = "transformer.h." + i + ".";
                norm(out, s, p + "ln1", h + "ln_1");
                conv1d(out, p + "qkv", h + "attn.c_attn");
                conv1d(out, p + "proj", h + "attn.c_proj");
                norm(out, s, p + "ln2", h + "ln_2");
                conv1d(out, p + "fc", h + "mlp.c_fc");
                conv1d(out, p + "out", h + "mlp.c_proj");
            }
            norm(out, s, "ln", "transformer.ln_f");
            if (!s.tiedHead()) {
                out.add(new TensorRule.Copy("head.weight", "lm_head.weight"));
            }
            return out;
        }

        @Override
        public List<LinearModule> linearModules(DecoderSpec s) {
            List<LinearModule> out = new ArrayList<>();
            long e = s.hidden();
            for (int i = 0; i < s.layers(); i++) {
                String p = "blocks." + i + ".";
                String h = "transformer.h." + i + ".";
                out.add(new LinearModule("c_attn", h + "attn.c_attn", p + "qkv", 0, 3 * e, e, null, true));
                out.add(new LinearModule("c_proj", h + "attn.c_proj", p + "proj", 0, e, e, null, true));
                out.add(new LinearModule("c_fc", h + "mlp.c_fc", p + "fc", 0, s.intermediate(), e, null, true));
                out.add(new LinearModule("c_proj", h + "mlp.c_proj", p + "out", 0, e, s.intermediate(), null, true));
            }
            return out;
        }

        private void conv1d(List<TensorRule> out, String ours, String theirs) {
            out.add(new TensorRule.Transposed(ours + ".weight", theirs + ".weight"));
            out.add(new TensorRule.Copy(ours + ".bias", theirs + ".bias"));
        }

        @Override
        void describe(DecoderSpec s, ObjectNode c) {
            c.put("n_embd", s.hidden()).put("n_head", s.heads()).put("n_layer", s.layers())
                    .put("n_inner", s.intermediate()).put("n_positions", s.maxPositions())
                    .put("n_ctx", s.maxPositions()).put("layer_norm_epsilon", s.normEps())
                    .put("activation_function", s.mlp() == MlpKind.GELU_EXACT ? "gelu" : "gelu_new")
                    .put("scale_attn_weights", s.attentionScale() != 1.0);
        }
    };

    /** Non-parameter buffers some checkpoints carry (causal masks, rotary tables); transformers ignores them. */
    private static final List<String> BUFFER_SUFFIXES = List.of(".attn.bias", ".attn.masked_bias", ".attention.bias",
            ".attention.masked_bias", ".rotary_emb.inv_freq");

    final String modelType;
    private final String className;
    private final String basePrefix;

    Architecture(String modelType, String className, String basePrefix) {
        this.modelType = modelType;
        this.className = className;
        this.basePrefix = basePrefix;
    }

    /** Hugging Face {@code model_type}. */
    public String modelType() {
        return modelType;
    }

    /** The transformers class in {@code architectures}. */
    public String className() {
        return className;
    }

    /** The base model's attribute name; some files (e.g. the original gpt2) store names without it. */
    String basePrefix() {
        return basePrefix;
    }

    /** The spec {@code config.json} describes, for runs of up to {@code maxSeqLen} tokens (0: the model's limit). */
    abstract DecoderSpec spec(HfConfig c, int maxSeqLen);

    /** Our parameters and their Hugging Face tensors, in our layout order. */
    List<TensorRule> rules(DecoderSpec s) {
        List<TensorRule> out = new ArrayList<>();
        out.add(new TensorRule.Copy("tok.weight", "model.embed_tokens.weight"));
        long q = (long) s.heads() * s.headDim();
        long kv = (long) s.kvHeads() * s.headDim();
        for (int i = 0; i < s.layers(); i++) {
            String p = "blocks." + i + ".";
            String h = "model.layers." + i + ".";
            out.add(new TensorRule.Copy(p + "ln1.weight", h + "input_layernorm.weight"));
            String a = h + "self_attn.";
            out.add(new TensorRule.Stacked(p + "qkv.weight", List.of(a + "q_proj.weight", a + "k_proj.weight",
                    a + "v_proj.weight"), List.of(q, kv, kv)));
            if (s.qkvBias()) {
                out.add(new TensorRule.Stacked(p + "qkv.bias", List.of(a + "q_proj.bias", a + "k_proj.bias",
                        a + "v_proj.bias"), List.of(q, kv, kv)));
            }
            linear(out, s.outBias(), p + "proj", a + "o_proj");
            out.add(new TensorRule.Copy(p + "ln2.weight", h + "post_attention_layernorm.weight"));
            String m = h + "mlp.";
            long inter = s.intermediate();
            out.add(new TensorRule.Stacked(p + "fc.weight", List.of(m + "gate_proj.weight", m + "up_proj.weight"),
                    List.of(inter, inter)));
            if (s.mlpBias()) {
                out.add(new TensorRule.Stacked(p + "fc.bias", List.of(m + "gate_proj.bias", m + "up_proj.bias"),
                        List.of(inter, inter)));
            }
            linear(out, s.mlpBias(), p + "out", m + "down_proj");
        }
        out.add(new TensorRule.Copy("ln.weight", "model.norm.weight"));
        if (!s.tiedHead()) {
            out.add(new TensorRule.Copy("head.weight", "lm_head.weight"));
        }
        return out;
    }

    /**
     * Every linear layer of the blocks, as transformers names them (the output head is left out, as PEFT's
     * {@code all-linear} leaves it out), in our layout order: Llama-family modules by default.
     */
    public List<LinearModule> linearModules(DecoderSpec s) {
        List<LinearModule> out = new ArrayList<>();
        long e = s.hidden();
        long q = (long) s.heads() * s.headDim();
        long kv = (long) s.kvHeads() * s.headDim();
        long inter = s.intermediate();
        for (int i = 0; i < s.layers(); i++) {
            String p = "blocks." + i + ".";
            String a = "model.layers." + i + ".self_attn.";
            String m = "model.layers." + i + ".mlp.";
            out.add(LinearModule.linear("q_proj", a + "q_proj", p + "qkv", 0, q, e));
            out.add(LinearModule.linear("k_proj", a + "k_proj", p + "qkv", q, kv, e));
            out.add(LinearModule.linear("v_proj", a + "v_proj", p + "qkv", q + kv, kv, e));
            out.add(LinearModule.linear("o_proj", a + "o_proj", p + "proj", 0, e, q));
            out.add(LinearModule.linear("gate_proj", m + "gate_proj", p + "fc", 0, inter, e));
            out.add(LinearModule.linear("up_proj", m + "up_proj", p + "fc", inter, inter, e));
            out.add(LinearModule.linear("down_proj", m + "down_proj", p + "out", 0, e, inter));
        }
        return out;
    }

    /**
     * The modules PEFT adapts when target_modules is not given (its
     * TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING): the attention's query and value projections.
     */
    public List<String> peftDefaultTargets() {
        return switch (this) {
            case GPT_NEOX -> List.of("query_key_value");
            case GPT2 -> List.of("c_attn");
            default -> List.of("q_proj", "v_proj");
        };
    }

    /** Writes this architecture's own shape keys of {@code s} into a config.json (Llama-family keys by default). */
    void describe(DecoderSpec s, ObjectNode c) {
        c.put("hidden_size", s.hidden()).put("num_attention_heads", s.heads())
                .put("num_key_value_heads", s.kvHeads()).put("head_dim", s.headDim())
                .put("num_hidden_layers", s.layers()).put("intermediate_size", s.intermediate())
                .put("max_position_embeddings", s.maxPositions()).put("rms_norm_eps", s.normEps())
                .put("rope_theta", s.rope().theta()).put("hidden_act", "silu")
                .put("attention_bias", s.qkvBias()).put("mlp_bias", s.mlpBias());
        if (s.rope().scaling() != null) {
            throw new IllegalStateException("writing rope_scaling is not implemented");
        }
        c.putNull("rope_scaling");
    }

    /** A config.json for {@code s} that transformers (4.45+) loads as this architecture. */
    public ObjectNode configJson(DecoderSpec s) {
        ObjectNode c = new ObjectMapper().createObjectNode();
        c.putArray("architectures").add(className);
        c.put("model_type", modelType);
        c.put("vocab_size", s.vocabSize());
        describe(s, c);
        c.put("tie_word_embeddings", s.tiedHead());
        c.put("initializer_range", s.initializerRange());
        c.put("torch_dtype", "float32");
        return c;
    }

    /** Whether a stored tensor is a buffer to skip rather than a parameter. */
    boolean isBuffer(String name) {
        return BUFFER_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** The architecture {@code config.json} names, checked against its {@code architectures} class if given. */
    static Architecture of(HfConfig c) {
        String type = c.stringOr("model_type", null);
        if (type == null) {
            throw new IllegalArgumentException(c.file() + ": key 'model_type' is missing; supported: " + supported());
        }
        Architecture a = Arrays.stream(values()).filter(x -> x.modelType.equals(type)).findFirst()
                .orElseThrow(() -> c.refuse("model_type", "supported: " + supported()
                        + " (anything else can be brought as a TorchScript export)"));
        JsonNode classes = c.node("architectures");
        if (classes.isArray() && !classes.isEmpty()) {
            String cls = classes.get(0).asText();
            if (!cls.equals(a.className)) {
                throw c.refuse("architectures", "a " + type + " model must be " + a.className
                        + " (a causal LM with its head), not " + cls);
            }
        }
        if (c.has("quantization_config")) {
            throw c.refuse("quantization_config", "unquantized F32/F16/BF16 weights only");
        }
        return a;
    }

    /** Looks up by model_type. */
    public static Architecture named(String modelType) {
        return Arrays.stream(values()).filter(x -> x.modelType.equals(modelType)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown architecture '" + modelType + "'; supported: "
                        + supported()));
    }

    static String supported() {
        return Arrays.stream(values()).map(a -> a.modelType).collect(Collectors.joining(", "));
    }

    // ---- shared pieces ----

    static DecoderSpec llamaFamily(HfConfig c, int maxSeqLen, boolean headDimKey, boolean qkvBias, boolean outBias,
            boolean mlpBias) {
        String act = c.stringOr("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw c.refuse("hidden_act", "\"silu\" (SwiGLU)");
        }
        int hidden = c.requireInt("hidden_size");
        int heads = c.requireInt("num_attention_heads");
        int headDim = headDimKey ? c.intOr("head_dim", divide(c, hidden, heads)) : divide(c, hidden, heads);
        String model = c.stringOr("model_type", "");
        DecoderSpec s = new DecoderSpec(model, c.requireInt("vocab_size"), hidden, c.requireInt("num_hidden_layers"),
                heads, c.intOr("num_key_value_heads", heads), headDim, c.requireInt("intermediate_size"),
                c.intOr("max_position_embeddings", 2048), NormKind.RMS_NORM, c.doubleOr("rms_norm_eps", 1e-6),
                headDim, new RopeSpec(c.doubleOr("rope_theta", 10000), ropeScaling(c, "linear, llama3")), false,
                false, qkvBias, outBias, mlpBias, MlpKind.SWIGLU, c.boolOr("tie_word_embeddings", false),
                1 / Math.sqrt(headDim), c.doubleOr("initializer_range", 0.02));
        checkLength(c, s, maxSeqLen);
        return s;
    }

    /** {@code rope_scaling}: null/default, or one of {@code supported} ("linear", "llama3"). */
    static RopeSpec.Scaling ropeScaling(HfConfig c, String supported) {
        JsonNode r = c.node("rope_scaling");
        if (r.isMissingNode() || r.isNull()) {
            return null;
        }
        String type = r.path("rope_type").asText(r.path("type").asText(""));
        if (type.equals("default")) {
            return null;
        }
        if (!supported.contains(type) || type.isEmpty()) {
            throw c.refuse("rope_scaling", "null, \"default\" or rope_type " + supported);
        }
        double factor = r.path("factor").asDouble(0);
        if (factor <= 0) {
            throw c.refuse("rope_scaling", "a positive factor");
        }
        if (type.equals("linear")) {
            return new RopeSpec.Scaling(type, factor, 0, 0, 0);
        }
        if (!r.hasNonNull("low_freq_factor") || !r.hasNonNull("high_freq_factor")
                || !r.hasNonNull("original_max_position_embeddings")) {
            throw c.refuse("rope_scaling", "llama3 scaling with low_freq_factor, high_freq_factor and "
                    + "original_max_position_embeddings");
        }
        return new RopeSpec.Scaling(type, factor, r.get("low_freq_factor").asDouble(),
                r.get("high_freq_factor").asDouble(), r.get("original_max_position_embeddings").asInt());
    }

    static MlpKind gelu(HfConfig c, String key, String fallback) {
        return switch (c.stringOr(key, fallback)) {
            case "gelu" -> MlpKind.GELU_EXACT;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> MlpKind.GELU_TANH;
            default -> throw c.refuse(key, "\"gelu\" (exact) or \"gelu_new\" / \"gelu_pytorch_tanh\" / "
                    + "\"gelu_fast\" (tanh approximation)");
        };
    }

    /** Two names for one setting (transformers renamed some keys): the first present wins; both must agree. */
    static double agreeing(HfConfig c, String key, String oldKey, double fallback) {
        if (c.has(key) && c.has(oldKey) && c.doubleOr(key, 0) != c.doubleOr(oldKey, 0)) {
            throw c.refuse(key, "the same value as " + oldKey + " (" + c.node(oldKey) + "), or only one of them");
        }
        return c.has(key) ? c.doubleOr(key, fallback) : c.doubleOr(oldKey, fallback);
    }

    static int divide(HfConfig c, int hidden, int heads) {
        if (heads <= 0 || hidden % heads != 0) {
            throw new IllegalArgumentException(c.file() + ": hidden size " + hidden + " is not divisible by the "
                    + heads + " attention heads");
        }
        return hidden / heads;
    }

    static int runLength(DecoderSpec s, int maxSeqLen) {
        return maxSeqLen > 0 ? maxSeqLen : s.maxPositions();
    }

    static void checkLength(HfConfig c, DecoderSpec s, int maxSeqLen) {
        if (maxSeqLen > s.maxPositions()) {
            throw new IllegalArgumentException(c.file() + ": a sequence length of " + maxSeqLen + " exceeds the "
                    + "model's " + s.maxPositions() + " positions (max_position_embeddings / n_positions)");
        }
    }

    static void norm(List<TensorRule> out, DecoderSpec s, String ours, String theirs) {
        out.add(new TensorRule.Copy(ours + ".weight", theirs + ".weight"));
        if (s.norm() == NormKind.LAYER_NORM) {
            out.add(new TensorRule.Copy(ours + ".bias", theirs + ".bias"));
        }
    }

    static void linear(List<TensorRule> out, boolean bias, String ours, String theirs) {
        out.add(new TensorRule.Copy(ours + ".weight", theirs + ".weight"));
        if (bias) {
            out.add(new TensorRule.Copy(ours + ".bias", theirs + ".bias"));
        }
    }
}
