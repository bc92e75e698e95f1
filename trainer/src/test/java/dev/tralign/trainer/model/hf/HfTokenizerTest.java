package dev.tralign.trainer.model.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder's tokenizer.json with its special tokens, as the trainer and the CLI use it. */
class HfTokenizerTest {

    @TempDir
    Path tmp;

    /** The test tokenizer (ids: pad 0, eos 1, unk 2, hello 3, world 4, good 5, bad 6) plus BOS and a post-processor. */
    private Path tokenizerWithBos() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode t = (ObjectNode) json.readTree(getClass().getResource("/tiny-tokenizer.json"));
        ((ObjectNode) t.path("model").path("vocab")).put("<s>", 7);
        t.withArray("added_tokens").addObject().put("id", 7).put("content", "<s>").put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        ObjectNode post = t.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        post.putArray("single").addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        ((ObjectNode) post.withArray("single").addObject().putObject("Sequence")).put("id", "A").put("type_id", 0);
        post.putArray("pair");
        post.putObject("special_tokens").putObject("<s>").put("id", "<s>").putArray("ids").add(7);
        ((ObjectNode) post.path("special_tokens").path("<s>")).putArray("tokens").add("<s>");
        Path file = tmp.resolve("tokenizer.json");
        Files.writeString(file, t.toString());
        return file;
    }

    @Test
    void specialTokensComeFromTheFolderAndThePostProcessor() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("m"));
        try (var params = HfInit.parameters(HfInit.spec(Architecture.LLAMA, new HfInit.Shape(16, 16, 1, 2, 0, 0, 16,
                false)), 1, Device.cpu())) {
            HfModelFolder.write(folder, HfInit.spec(Architecture.LLAMA, new HfInit.Shape(16, 16, 1, 2, 0, 0, 16,
                    false)), params, new HfModelFolder.GenerationIds(null, List.of(), null));
        }
        Files.copy(tokenizerWithBos(), folder.resolve("tokenizer.json"));
        Files.writeString(folder.resolve("tokenizer_config.json"),
                "{\"bos_token\": \"<s>\", \"eos_token\": {\"content\": \"</s>\"}, \"chat_template\": \"{{ x }}\"}");
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(folder, 0, Device.cpu());
                HfTokenizer tokenizer = HfTokenizer.of(loaded.info())) {
            assertThat(loaded.info().chatTemplate()).isTrue();
            assertThat(tokenizer.encode("hello good world")).containsExactly(3, 5, 4);
            assertThat(tokenizer.encode("hello good world", true)).containsExactly(7, 3, 5, 4);
            assertThat(tokenizer.decode(new int[] {7, 3, 6, 1})).isEqualTo("hello bad");
            assertThat(tokenizer.bosId()).isEqualTo(7);
            assertThat(tokenizer.eosId()).isEqualTo(1);
            assertThat(tokenizer.padId()).as("no pad token: EOS, as TRL").isEqualTo(1);
            assertThat(tokenizer.vocabSize()).isEqualTo(8);
        }
    }

    @Test
    void aTokenizerLargerThanTheModelIsRefused() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("small"));
        DecoderSpec spec = HfInit.spec(Architecture.GPT2, new HfInit.Shape(5, 16, 1, 2, 0, 0, 16, true));
        try (var params = HfInit.parameters(spec, 1, Device.cpu())) {
            HfModelFolder.write(folder, spec, params, new HfModelFolder.GenerationIds(null, List.of(1), null));
        }
        Files.copy(tokenizerWithBos(), folder.resolve("tokenizer.json"));
        try (HfModelFolder.Loaded loaded = HfModelFolder.load(folder, 0, Device.cpu())) {
            assertThatThrownBy(() -> HfTokenizer.of(loaded.info())).hasMessageContaining("vocab_size is 5")
                    .hasMessageContaining("ids up to 7");
        }
    }
}
