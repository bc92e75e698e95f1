package dev.tralign.trainerservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tralign.trainerservice.config.RunConfigException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldoutSftFileTest {

    @TempDir
    Path dir;

    private Path file(String name, String... lines) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    @Test
    void readsPromptCompletionAndPreferencePairLinesSkippingBlankOnes() throws Exception {
        Path f = file("set.jsonl", "{\"prompt\": \"ab\", \"completion\": \"cd\"}", "",
                "{\"prompt\": \"ef\", \"chosen\": \"gh\", \"rejected\": \"aa\"}");
        List<HeldoutSftFile.Text> texts = HeldoutSftFile.read(f, 10);
        assertThat(texts).containsExactly(new HeldoutSftFile.Text("ab", "cd", 1),
                new HeldoutSftFile.Text("ef", "gh", 3));
    }

    @Test
    void readsGzip() throws Exception {
        Path f = dir.resolve("set.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("{\"prompt\": \"a\", \"completion\": \"b\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(HeldoutSftFile.read(f, 10)).containsExactly(new HeldoutSftFile.Text("a", "b", 1));
    }

    @Test
    void badLinesAreRefusedNamingKeyFileAndLine() throws Exception {
        Path malformed = file("bad.jsonl", "{\"prompt\": \"a\", \"completion\": \"b\"}", "{\"prompt\": ");
        assertThatThrownBy(() -> HeldoutSftFile.read(malformed, 10)).isInstanceOf(RunConfigException.class)
                .hasMessageContaining("metrics.heldout_sft.file=" + malformed + " line 2: not JSON");
        Path missingField = file("field.jsonl", "{\"prompt\": \"a\", \"answer\": \"b\"}");
        assertThatThrownBy(() -> HeldoutSftFile.read(missingField, 10))
                .hasMessageContaining("line 1: needs the string fields \"prompt\" and \"completion\"")
                .hasMessageContaining("it has prompt, answer");
        Path conversational = file("chat.jsonl", "{\"prompt\": [{\"role\": \"user\", \"content\": \"a\"}], "
                + "\"completion\": \"b\"}");
        assertThatThrownBy(() -> HeldoutSftFile.read(conversational, 10)).hasMessageContaining("must be strings");
        Path array = file("array.jsonl", "[1, 2]");
        assertThatThrownBy(() -> HeldoutSftFile.read(array, 10)).hasMessageContaining("line 1: not a JSON object");
    }

    @Test
    void aMissingEmptyOrTooLargeFileIsRefused() throws Exception {
        Path missing = dir.resolve("none.jsonl");
        assertThatThrownBy(() -> HeldoutSftFile.read(missing, 10))
                .hasMessageContaining("metrics.heldout_sft.file=" + missing + " does not exist");
        Path empty = file("empty.jsonl", "", "  ");
        assertThatThrownBy(() -> HeldoutSftFile.read(empty, 10)).hasMessageContaining("holds no records");
        Path three = file("three.jsonl", "{\"prompt\": \"a\", \"completion\": \"b\"}",
                "{\"prompt\": \"a\", \"completion\": \"c\"}", "{\"prompt\": \"a\", \"completion\": \"d\"}");
        assertThat(HeldoutSftFile.read(three, 3)).hasSize(3);
        assertThatThrownBy(() -> HeldoutSftFile.read(three, 2))
                .hasMessageContaining("line 3: the file holds more than metrics.heldout_sft.max_examples=2 records");
    }
}
