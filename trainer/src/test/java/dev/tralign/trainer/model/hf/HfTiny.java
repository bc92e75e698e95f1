package dev.tralign.trainer.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The four tiny checkpoints in ../shared/data/hf-tiny (beside the checkout) and what transformers computed. */
final class HfTiny {

    static final List<String> MODELS = List.of("gpt-neox", "llama-gqa", "qwen2", "gpt2");

    private HfTiny() {
    }

    /** The data folder: -Dtralign.hftiny.dir, else ../shared/data/hf-tiny from the checkout root. */
    static Path dir() {
        String configured = System.getProperty("tralign.hftiny.dir");
        List<Path> candidates = configured != null ? List.of(Path.of(configured))
                : List.of(Path.of("../../shared/data/hf-tiny"), Path.of("../shared/data/hf-tiny"));
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("hf-tiny fixtures not found at " + candidates + ": they live in "
                + "../shared/data/hf-tiny beside the checkout (or set -Dtralign.hftiny.dir)");
    }

    static Path model(String name) {
        return dir().resolve(name);
    }

    /** expected.json's float32 section. */
    static JsonNode expected(String name) {
        try {
            return new ObjectMapper().readTree(model(name).resolve("expected.json").toFile()).path("float32");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
