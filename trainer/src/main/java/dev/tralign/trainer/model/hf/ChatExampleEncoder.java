package dev.tralign.trainer.model.hf;

import dev.tralign.trainer.data.ExampleEncoder;
import dev.tralign.trainer.data.HhTranscript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Examples of a conversation rendered through the model's chat template, as TRL renders conversational data: the
 * prompt messages with the generation prompt, the completion as the rest of the full rendering
 * ({@link ChatTemplate#promptAndCompletion}); both tokenized without adding special tokens (the template writes
 * them), and EOS appended to the completion as TRL appends it. Prompts that are not transcripts (plain prompt text)
 * train as they are. A policy is asked as a chat model is deployed: every prompt it answers is rendered with the
 * generation prompt, a plain one as a single user turn.
 */
public final class ChatExampleEncoder implements ExampleEncoder {

    private final HfTokenizer tokenizer;
    private final ChatTemplate template;
    private final ExampleEncoder plain;

    public ChatExampleEncoder(HfTokenizer tokenizer, ChatTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
        this.plain = ExampleEncoder.plain(tokenizer);
    }

    /**
     * The encoder for a model folder: through its chat template when tokenizer_config.json has one, else plain
     * text with the folder's tokenizer.
     */
    public static ExampleEncoder of(Path folder, HfTokenizer tokenizer) {
        Path config = folder.resolve("tokenizer_config.json");
        if (Files.isRegularFile(config) && HfModelFolder.info(folder).chatTemplate()) {
            return new ChatExampleEncoder(tokenizer, ChatTemplate.of(config));
        }
        return ExampleEncoder.plain(tokenizer);
    }

    @Override
    public Encoded encode(String prompt, String completion) {
        Optional<List<Map<String, Object>>> messages = HhTranscript.promptMessages(prompt);
        if (messages.isEmpty()) {
            return plain.encode(prompt, completion);
        }
        String[] text = template.promptAndCompletion(messages.get(), HhTranscript.completionMessages(completion));
        return new Encoded(tokenizer.encode(text[0], false),
                ExampleEncoder.withEos(tokenizer.encode(text[1], false), tokenizer.eosId()));
    }

    @Override
    public int[] generationPrompt(String prompt) {
        List<Map<String, Object>> messages = HhTranscript.promptMessages(prompt)
                .orElseGet(() -> List.of(Map.of("role", "user", "content", prompt)));
        return tokenizer.encode(template.render(messages, true), false);
    }

    @Override
    public int eosId() {
        return tokenizer.eosId();
    }
}
