package dev.tralign.trainer.lora;

import dev.tralign.trainer.config.LoraConfig;
import dev.tralign.trainer.model.ParameterSpec;
import dev.tralign.trainer.model.hf.Architecture;
import dev.tralign.trainer.model.hf.DecoderSpec;
import dev.tralign.trainer.model.hf.LinearModule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The linear modules a {@link LoraConfig} adapts on one architecture, and the names and shapes of their tensors:
 * {@code <our linear>.<module>.lora_A} [r, in] and {@code .lora_B} [rows, r] (B's rows in our row order), or, for a
 * reference kept in full, {@code .delta} [rows, in].
 */
public final class LoraTargets {

    private final LoraConfig config;
    private final List<LinearModule> modules;
    private final Map<String, List<LinearModule>> byLinear;

    private LoraTargets(LoraConfig config, List<LinearModule> modules) {
        this.config = config;
        this.modules = List.copyOf(modules);
        Map<String, List<LinearModule>> grouped = new LinkedHashMap<>();
        for (LinearModule m : modules) {
            grouped.computeIfAbsent(m.ours(), k -> new ArrayList<>()).add(m);
        }
        grouped.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(LinearModule::rowStart)));
        this.byLinear = Collections.unmodifiableMap(grouped);
    }

    /**
     * The modules of {@code spec} that {@code config.targetModules()} names (PEFT matches a module by its own name;
     * {@code all-linear} takes every linear layer but the head). A name the architecture lacks is refused.
     */
    public static LoraTargets select(DecoderSpec spec, LoraConfig config) {
        List<LinearModule> all = Architecture.named(spec.architecture()).linearModules(spec);
        Set<String> known = new LinkedHashSet<>();
        all.forEach(m -> known.add(m.module()));
        List<String> wanted = config.targetModules();
        boolean allLinear = wanted.stream().anyMatch(w -> w.equalsIgnoreCase(LoraConfig.ALL_LINEAR));
        if (allLinear && wanted.size() > 1) {
            throw new IllegalArgumentException("loraTargetModules " + wanted + " mixes " + LoraConfig.ALL_LINEAR
                    + " with module names: give " + LoraConfig.ALL_LINEAR + " alone, or module names only");
        }
        if (!allLinear) {
            for (String w : wanted) {
                if (!known.contains(w)) {
                    throw new IllegalArgumentException("loraTargetModules names '" + w + "', which a "
                            + spec.architecture() + " model does not have: its linear modules are "
                            + String.join(", ", known) + " (or " + LoraConfig.ALL_LINEAR + ")");
                }
            }
        }
        List<LinearModule> chosen = all.stream().filter(m -> allLinear || wanted.contains(m.module())).toList();
        return new LoraTargets(config, chosen);
    }

    public LoraConfig config() {
        return config;
    }

    /** The adapted modules, in our layout order. */
    public List<LinearModule> modules() {
        return modules;
    }

    /** The adapted modules of our linear layer {@code ours} (e.g. blocks.0.qkv), by first row; empty if none. */
    public List<LinearModule> of(String ours) {
        return byLinear.getOrDefault(ours, List.of());
    }

    /** The module names adapted, once each, as adapter_config.json lists them. */
    public List<String> moduleNames() {
        return modules.stream().map(LinearModule::module).distinct().sorted().toList();
    }

    static String prefix(LinearModule m) {
        return m.ours() + "." + m.module();
    }

    static String a(LinearModule m) {
        return prefix(m) + ".lora_A";
    }

    static String b(LinearModule m) {
        return prefix(m) + ".lora_B";
    }

    static String delta(LinearModule m) {
        return prefix(m) + ".delta";
    }

    /** The trainable adapters (policy, and a reference mixed by factors): A then B per module. */
    public List<ParameterSpec> adapterLayout() {
        List<ParameterSpec> out = new ArrayList<>();
        for (LinearModule m : modules) {
            out.add(new ParameterSpec(a(m), new long[] {config.r(), m.in()}, ParameterSpec.Init.NORMAL));
            out.add(new ParameterSpec(b(m), new long[] {m.rows(), config.r()}, ParameterSpec.Init.ZEROS));
        }
        return List.copyOf(out);
    }

    /** A reference kept as full weight deltas (exact mixing), one per module. */
    public List<ParameterSpec> deltaLayout() {
        List<ParameterSpec> out = new ArrayList<>();
        for (LinearModule m : modules) {
            out.add(new ParameterSpec(delta(m), new long[] {m.rows(), m.in()}, ParameterSpec.Init.ZEROS));
        }
        return List.copyOf(out);
    }

    /** The layout the reference uses under {@code config.referenceMix()}. */
    public List<ParameterSpec> referenceLayout() {
        return config.referenceMix() == LoraConfig.ReferenceMix.EXACT ? deltaLayout() : adapterLayout();
    }
}
