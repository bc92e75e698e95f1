package dev.tralign.trainer.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a model folder: {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json}'s {@code weight_map} (tensor name to shard file). Tensors are looked up by
 * name across shards.
 */
public final class WeightFiles {

    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private final Map<String, SafetensorsReader> byTensor;

    private WeightFiles(Map<String, SafetensorsReader> byTensor) {
        this.byTensor = Collections.unmodifiableMap(byTensor);
    }

    public static WeightFiles open(Path folder) {
        Path single = folder.resolve(SINGLE);
        Path index = folder.resolve(INDEX);
        Map<String, SafetensorsReader> byTensor = new LinkedHashMap<>();
        if (Files.isRegularFile(single)) {
            SafetensorsReader r = SafetensorsReader.open(single);
            r.entries().keySet().forEach(name -> byTensor.put(name, r));
            return new WeightFiles(byTensor);
        }
        if (Files.isRegularFile(index)) {
            return new WeightFiles(sharded(folder, index));
        }
        String hint = Files.isRegularFile(folder.resolve("pytorch_model.bin"))
                ? " (it has pytorch_model.bin: pickled weights are not read; convert them with safetensors' "
                        + "convert script or model.save_pretrained(dir, safe_serialization=True))"
                : "";
        throw new IllegalArgumentException(folder + " has neither " + SINGLE + " nor " + INDEX + hint);
    }

    private static Map<String, SafetensorsReader> sharded(Path folder, Path index) {
        JsonNode map;
        try {
            map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + index + ": " + e.getMessage(), e);
        }
        if (!map.isObject() || map.isEmpty()) {
            throw new IllegalArgumentException(index + " has no weight_map {tensor name: shard file}");
        }
        Map<String, SafetensorsReader> shards = new LinkedHashMap<>();
        Map<String, SafetensorsReader> byTensor = new LinkedHashMap<>();
        for (var it = map.fields(); it.hasNext();) {
            var field = it.next();
            String shardName = field.getValue().asText();
            Path shard = folder.resolve(shardName).normalize();
            if (!shard.startsWith(folder.normalize()) || !Files.isRegularFile(shard)) {
                throw new IllegalArgumentException(index + " maps '" + field.getKey() + "' to " + shardName
                        + ", which is not a file in " + folder);
            }
            SafetensorsReader reader = shards.computeIfAbsent(shardName, s -> SafetensorsReader.open(shard));
            if (!reader.entries().containsKey(field.getKey())) {
                throw new IllegalArgumentException(index + " maps '" + field.getKey() + "' to " + shardName
                        + ", which has no such tensor");
            }
            byTensor.put(field.getKey(), reader);
        }
        return byTensor;
    }

    public Set<String> names() {
        return byTensor.keySet();
    }

    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    public SafetensorsReader.Entry entry(String name) {
        return reader(name).entries().get(name);
    }

    public float[] read(String name) {
        return reader(name).readFloats(name);
    }

    /** The stored dtypes, e.g. {BF16}. */
    public Set<String> dtypes() {
        Set<String> out = new java.util.TreeSet<>();
        byTensor.forEach((name, r) -> out.add(r.entries().get(name).dtype()));
        return out;
    }

    private SafetensorsReader reader(String name) {
        SafetensorsReader r = byTensor.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in the model's safetensors files");
        }
        return r;
    }
}
