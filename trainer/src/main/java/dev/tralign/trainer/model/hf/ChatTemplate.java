package dev.tralign.trainer.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jinjava.javax.el.CompositeELResolver;

/**
 * A model's {@code chat_template} (tokenizer_config.json) rendered as transformers' {@code apply_chat_template}
 * renders it: Jinja with {@code trim_blocks} and {@code lstrip_blocks}, the tokenizer's special tokens as variables
 * ({@code bos_token}, {@code eos_token}, ...), {@code raise_exception(msg)}, {@code strftime_now(fmt)} and a
 * {@code tojson} that writes what Python's {@code json.dumps} writes. The engine is HubSpot's Jinjava; where its
 * Jinja differs from Python's, the template is adapted or refused: Python's {@code str} methods are provided
 * ({@link PythonStringMethods}), {@code x[::-1]} and {@code namespace(k=expr)} are rewritten ({@link #adapt}), and
 * anything else the engine cannot evaluate stops rendering with its message (never a silently different prompt).
 */
public final class ChatTemplate {

    private static final List<String> SPECIAL_TOKENS = List.of("bos_token", "eos_token", "unk_token", "pad_token",
            "sep_token", "cls_token", "mask_token");
    private final String template;
    private final Map<String, String> specialTokens;
    private final Jinjava engine;

    public ChatTemplate(String template, Map<String, String> specialTokens) {
        this.template = adapt(template);
        this.specialTokens = Map.copyOf(specialTokens);
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        this.engine = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withElResolver(resolver)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        // Python Jinja semantics: {{- -}} trims, operators bind as in Python, whitespace control
                        // is parsed strictly, lists print as Python lists.
                        .withUseTrimmingForNotesAndExpressions(true).withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true).withUsePyishObjectMapper(true)
                        .withKeepNullableLoopValues(true).build())
                .build());
        engine.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
        engine.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                ChatTemplate.class, "strftimeNow", String.class));
        engine.getGlobalContext().registerFilter(new PythonJsonFilter());
    }

    /**
     * The template of a folder's tokenizer_config.json ({@code chat_template} as a string, or a list of named
     * templates of which "default" is used), with its special tokens.
     */
    public static ChatTemplate of(Path tokenizerConfig) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerConfig.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerConfig + ": " + e.getMessage(), e);
        }
        JsonNode t = root.path("chat_template");
        String template = null;
        if (t.isTextual()) {
            template = t.asText();
        } else if (t.isArray()) {
            for (JsonNode named : t) {
                if (named.path("name").asText().equals("default")) {
                    template = named.path("template").asText();
                }
            }
        }
        if (template == null) {
            throw new IllegalArgumentException(tokenizerConfig + " has no chat_template (or no \"default\" one): "
                    + "this model has no chat format; use plain prompt/completion text");
        }
        Map<String, String> tokens = new HashMap<>();
        for (String key : SPECIAL_TOKENS) {
            JsonNode v = root.path(key);
            String text = v.isTextual() ? v.asText() : v.path("content").isTextual() ? v.path("content").asText()
                    : null;
            if (text != null) {
                tokens.put(key, text);
            }
        }
        return new ChatTemplate(template, tokens);
    }

    /**
     * The text of {@code messages} (each a map with "role", "content" and whatever else the template reads), with
     * the assistant turn's opening when {@code addGenerationPrompt}.
     */
    public String render(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /** {@link #render(List, boolean)} with more variables, e.g. {@code tools} (a list of JSON-schema maps). */
    public String render(List<Map<String, Object>> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        Map<String, Object> context = new HashMap<>(specialTokens);
        context.putAll(extra);
        context.put("messages", messages);
        context.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result = engine.renderForResult(template, context);
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException("chat template failed: " + fatal.stream().map(ChatTemplate::describe)
                    .collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }

    /**
     * TRL's split of a conversational pair into text: the prompt rendered with the generation prompt (when it ends
     * with a user turn), the completion the rest of rendering prompt + completion. The full rendering must start
     * with the prompt's, else the template puts the boundary elsewhere and the split is refused.
     */
    public String[] promptAndCompletion(List<Map<String, Object>> prompt, List<Map<String, Object>> completion) {
        boolean userLast = !prompt.isEmpty() && "user".equals(prompt.get(prompt.size() - 1).get("role"));
        String promptText = render(prompt, userLast);
        List<Map<String, Object>> all = new java.util.ArrayList<>(prompt);
        all.addAll(completion);
        String full = render(all, false);
        if (!full.startsWith(promptText)) {
            throw new IllegalArgumentException("the chat template renders prompt + completion without the prompt's "
                    + "own rendering as a prefix, so no prompt/completion boundary exists (TRL refuses this too)");
        }
        return new String[] {promptText, full.substring(promptText.length())};
    }

    private static String describe(TemplateError e) {
        Throwable cause = e.getException();
        while (cause != null) {
            if (cause instanceof TemplateException t) {
                return t.getMessage();
            }
            cause = cause.getCause();
        }
        return e.getMessage() + (e.getFieldName() == null ? "" : " in '" + e.getFieldName() + "'");
    }

    private static final Pattern REVERSED = Pattern.compile("([A-Za-z_][\\w.]*)\\[::-1\\]");

    /**
     * Rewrites the two Python-Jinja constructs Jinjava parses differently: {@code x[::-1]} (no step slices) becomes
     * {@code (x|reverse)}, and each {@code namespace(k=v, ...)} value is parenthesised (Jinjava would read
     * {@code k=messages|length - 1} as {@code (k=messages|length) - 1}).
     */
    static String adapt(String template) {
        String reversed = REVERSED.matcher(template).replaceAll(m -> Matcher.quoteReplacement("(" + m.group(1)
                + "|reverse)"));
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int at = reversed.indexOf("namespace(", from); at >= 0; at = reversed.indexOf("namespace(", from)) {
            int open = at + "namespace(".length();
            int close = matching(reversed, open);
            out.append(reversed, from, open);
            List<String> args = topLevelSplit(reversed.substring(open, close));
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                int eq = arg.indexOf('=');
                out.append(i == 0 ? "" : ",");
                out.append(eq > 0 && arg.substring(0, eq).trim().matches("\\w+")
                        ? arg.substring(0, eq + 1) + "(" + arg.substring(eq + 1) + ")" : arg);
            }
            out.append(')');
            from = close + 1;
        }
        return out.append(reversed.substring(from)).toString();
    }

    /** Index of the ')' closing the '(' just before {@code open}, skipping quoted strings. */
    private static int matching(String s, int open) {
        int depth = 0;
        char quote = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        throw new IllegalArgumentException("chat template: unbalanced namespace( ... ) call");
    }

    private static List<String> topLevelSplit(String args) {
        List<String> out = new java.util.ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(args.substring(start, i));
                start = i + 1;
            }
        }
        out.add(args.substring(start));
        return out;
    }

    /** A template's own refusal, e.g. "Conversation roles must alternate user/assistant/user/assistant/...". */
    static final class TemplateException extends RuntimeException {
        TemplateException(String message) {
            super(message);
        }
    }

    /** {@code raise_exception(msg)} as transformers defines it. */
    public static String raiseException(String message) {
        throw new TemplateException("the template raised: " + message);
    }

    /** {@code strftime_now(fmt)}: today's date in a Python strftime format (the directives templates use). */
    public static String strftimeNow(String format) {
        StringBuilder java = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                java.append(c == '\'' ? "''" : Character.isLetter(c) ? "'" + c + "'" : String.valueOf(c));
                continue;
            }
            char d = format.charAt(++i);
            java.append(switch (d) {
                case 'd' -> "dd";
                case 'm' -> "MM";
                case 'Y' -> "yyyy";
                case 'y' -> "yy";
                case 'b' -> "MMM";
                case 'B' -> "MMMM";
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case '%' -> "%";
                default -> throw new TemplateException("strftime_now: unsupported directive %" + d);
            });
        }
        return LocalDate.now().format(DateTimeFormatter.ofPattern(java.toString(), Locale.ENGLISH));
    }

    /** {@code tojson} as transformers defines it: {@code json.dumps(x, ensure_ascii=False, indent=indent)}. */
    static final class PythonJsonFilter implements Filter {

        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            Integer indent = args.length > 0 && args[0] != null ? Integer.valueOf(args[0].trim()) : null;
            StringBuilder out = new StringBuilder();
            PythonJson.write(var, indent, 0, out);
            return out.toString();
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.get("indent");
            if (indent == null && args.length > 0) {
                indent = args[0];
            }
            StringBuilder out = new StringBuilder();
            PythonJson.write(var, indent == null ? null : Integer.valueOf(indent.toString()), 0, out);
            return out.toString();
        }
    }
}
