package dev.tralign.ingest.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tralign.schemas.avro.BinaryFeedback;
import dev.tralign.schemas.avro.FeedbackLabel;
import dev.tralign.schemas.avro.PreferencePair;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns one JSON record into a {@link PreferencePair}, a {@link BinaryFeedback} or a {@link Rejection}. Pure: no
 * I/O, no Kafka; the only outside input is the clock for createdAt. Thread-safe.
 */
public final class FeedbackParser {

    /** The documentation every reason points to. */
    public static final String DOCS = "see docs/ingest.md";

    private static final Map<Format, Set<String>> KNOWN_FIELDS = Map.of(
            Format.PREFERENCE, Set.of("prompt", "chosen", "rejected"),
            Format.CONVERSATIONAL, Set.of("prompt", "chosen", "rejected"),
            Format.HH_RLHF, Set.of("chosen", "rejected"),
            Format.BINARY, Set.of("prompt", "completion", "label"));

    private final Format format;
    private final IngestLimits limits;
    private final Clock clock;
    private final ObjectMapper mapper;

    /**
     * @param format the format every record must have, or {@link Format#AUTO} to decide per record
     * @param limits size limits
     * @param clock  source of createdAt
     */
    public FeedbackParser(Format format, IngestLimits limits, Clock clock) {
        this.format = Objects.requireNonNull(format, "format");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mapper = strictMapper(limits);
    }

    /** A Jackson mapper that rejects trailing garbage, duplicate keys, deep nesting and over-long strings. */
    public static ObjectMapper strictMapper(IngestLimits limits) {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(Math.max(limits.maxRecordBytes(), 1024))
                .build());
        return mapper;
    }

    /** The mapper this parser reads with (for streaming readers that must apply the same rules). */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** The configured limits. */
    public IngestLimits limits() {
        return limits;
    }

    /** Parses raw bytes: size check, strict UTF-8 decoding, JSON, then the record rules. */
    public Outcome parse(byte[] raw, Origin origin, String source) {
        if (raw.length > limits.maxRecordBytes()) {
            return oversized(raw, raw.length, origin);
        }
        int invalid = Utf8.firstInvalid(raw, 0, raw.length);
        if (invalid >= 0) {
            return reject(ErrorClass.INVALID_UTF8, null, String.format(Locale.ROOT, "the record is not valid UTF-8 "
                    + "(byte 0x%02X at byte %d does not start a valid sequence); save the file as UTF-8",
                    raw[invalid] & 0xFF, invalid), origin, raw);
        }
        int control = Utf8.firstControl(raw, 0, raw.length);
        if (control >= 0) {
            // Besides being invalid JSON, zero bytes would make Jackson guess UTF-16/32 and fail outside its
            // JSON error type; refusing them here keeps the verdict a dead letter on every input path.
            return reject(ErrorClass.MALFORMED_JSON, null, String.format(Locale.ROOT, "the record holds the control "
                    + "byte 0x%02X at byte %d; JSON allows only tab, line feed and carriage return between values, "
                    + "and inside strings control characters must be escaped (e.g. \\u0000); remove or escape it",
                    raw[control] & 0xFF, control), origin, raw);
        }
        int start = raw.length >= 3 && (raw[0] & 0xFF) == 0xEF && (raw[1] & 0xFF) == 0xBB && (raw[2] & 0xFF) == 0xBF
                ? 3 : 0;
        JsonNode node;
        try {
            node = mapper.readTree(raw, start, raw.length - start);
        } catch (JsonProcessingException e) {
            return reject(ErrorClass.MALFORMED_JSON, null, "the record is not valid JSON ("
                    + e.getOriginalMessage().lines().findFirst().orElse("") + "); each line must be one JSON object; "
                    + DOCS, origin, raw);
        } catch (IOException e) {
            // Not reachable for validated UTF-8 without control bytes, but a record must never stop its stream.
            return reject(ErrorClass.MALFORMED_JSON, null, "the record cannot be read as JSON ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); each line must be one "
                    + "UTF-8 JSON object; " + DOCS, origin, raw);
        }
        if (node == null || node.isMissingNode()) {
            return reject(ErrorClass.MALFORMED_JSON, null, "the record is empty; each line must be one JSON object; "
                    + DOCS, origin, raw);
        }
        return parseNode(node, raw, origin, source);
    }

    /** A rejection for a record longer than the limit; {@code head} is what was kept of it. */
    public Outcome oversized(byte[] head, long actualBytes, Origin origin) {
        byte[] kept = head.length > limits.maxRecordBytes()
                ? java.util.Arrays.copyOf(head, limits.maxRecordBytes()) : head;
        return reject(ErrorClass.TOO_LARGE, null, "the record is " + actualBytes + " bytes, over the limit of "
                + limits.maxRecordBytes() + " (--max-record-bytes); shorten it or raise the limit", origin, kept);
    }

    /** Applies the record rules to an already parsed JSON value. */
    public Outcome parseNode(JsonNode node, byte[] raw, Origin origin, String source) {
        try {
            if (!node.isObject()) {
                throw new InvalidRecord(ErrorClass.NOT_AN_OBJECT, null, "the record is a JSON "
                        + node.getNodeType().name().toLowerCase(Locale.ROOT) + ", not an object; each record needs "
                        + "prompt, chosen and rejected (or prompt, completion and label); " + DOCS);
            }
            Format recordFormat = format == Format.AUTO ? detect(node) : format;
            Map<String, String> metadata = metadata(node, recordFormat, origin);
            if (recordFormat == Format.BINARY) {
                return new Outcome.Feedback(feedback(node, source, metadata), origin);
            }
            return new Outcome.Pair(pair(node, recordFormat, source, metadata), origin);
        } catch (InvalidRecord e) {
            return reject(e.errorClass(), e.field(), e.getMessage(), origin, raw);
        }
    }

    /** Decides the format of one record from its fields. */
    static Format detect(JsonNode node) throws InvalidRecord {
        if (node.has("label") || node.has("completion")) {
            return Format.BINARY;
        }
        for (String field : List.of("prompt", "chosen", "rejected")) {
            if (node.path(field).isArray()) {
                return Format.CONVERSATIONAL;
            }
        }
        if (node.has("prompt")) {
            return Format.PREFERENCE;
        }
        if (node.has("chosen") || node.has("rejected")) {
            return Format.HH_RLHF;
        }
        throw new InvalidRecord(ErrorClass.UNKNOWN_FORMAT, null, "the record has none of the fields prompt, chosen, "
                + "rejected, completion or label (it has " + fieldNames(node) + "); each record needs prompt, chosen "
                + "and rejected (or messages), or prompt, completion and label; " + DOCS);
    }

    private PreferencePair pair(JsonNode node, Format recordFormat, String source, Map<String, String> metadata)
            throws InvalidRecord {
        HhTranscripts.Split split = switch (recordFormat) {
            case PREFERENCE -> new HhTranscripts.Split(
                    text(node, "prompt", "prompt"), text(node, "chosen", "chosen"), text(node, "rejected", "rejected"));
            case HH_RLHF -> hhSplit(node);
            case CONVERSATIONAL -> Conversations.split(
                    node.has("prompt") ? Conversations.messages(node.get("prompt"), "prompt", this::text) : null,
                    Conversations.messages(node.get("chosen"), "chosen", this::text),
                    Conversations.messages(node.get("rejected"), "rejected", this::text));
            default -> throw new IllegalStateException("not a pair format: " + recordFormat);
        };
        requireNonBlank(split.chosen(), "chosen");
        requireNonBlank(split.rejected(), "rejected");
        if (TextRules.equalAfterStrip(split.chosen(), split.rejected())) {
            throw new InvalidRecord(ErrorClass.IDENTICAL_PAIR, "rejected", "chosen and rejected are the same text; a "
                    + "preference pair needs two different answers to the same prompt");
        }
        return PreferencePair.newBuilder()
                .setId(ContentIds.pairId(split.prompt(), split.chosen(), split.rejected()))
                .setPrompt(split.prompt())
                .setChosen(split.chosen())
                .setRejected(split.rejected())
                .setSource(source)
                .setCreatedAt(clock.instant())
                .setAnnotator(annotator(node))
                .setScoreMargin(scoreMargin(node))
                .setMetadata(metadata)
                .build();
    }

    private HhTranscripts.Split hhSplit(JsonNode node) throws InvalidRecord {
        String chosen = text(node, "chosen", "chosen");
        String rejected = text(node, "rejected", "rejected");
        return HhTranscripts.split(chosen, rejected).orElseThrow(() -> new InvalidRecord(ErrorClass.NO_SHARED_PROMPT,
                "chosen", "chosen and rejected do not start with the same \"\\n\\nHuman: ...\\n\\nAssistant:\" history; "
                + "HH-RLHF records are two full transcripts of one conversation; give a 'prompt' field otherwise; "
                + DOCS));
    }

    private BinaryFeedback feedback(JsonNode node, String source, Map<String, String> metadata) throws InvalidRecord {
        String prompt = text(node, "prompt", "prompt");
        String completion = text(node, "completion", "completion");
        FeedbackLabel label = label(node.get("label"));
        return BinaryFeedback.newBuilder()
                .setId(ContentIds.feedbackId(prompt, completion, label))
                .setPrompt(prompt)
                .setCompletion(completion)
                .setLabel(label)
                .setSource(source)
                .setCreatedAt(clock.instant())
                .setAnnotator(annotator(node))
                .setMetadata(metadata)
                .build();
    }

    static FeedbackLabel label(JsonNode label) throws InvalidRecord {
        if (label == null || label.isNull()) {
            throw new InvalidRecord(ErrorClass.MISSING_FIELD, "label", "field 'label' is missing; binary feedback "
                    + "needs prompt, completion and label (true/false or \"desirable\"/\"undesirable\"); " + DOCS);
        }
        if (label.isBoolean()) {
            return label.booleanValue() ? FeedbackLabel.DESIRABLE : FeedbackLabel.UNDESIRABLE;
        }
        if (label.isTextual()) {
            switch (label.asText().strip().toLowerCase(Locale.ROOT)) {
                case "desirable", "true" -> {
                    return FeedbackLabel.DESIRABLE;
                }
                case "undesirable", "false" -> {
                    return FeedbackLabel.UNDESIRABLE;
                }
                default -> {
                }
            }
        }
        throw new InvalidRecord(ErrorClass.INVALID_LABEL, "label", "label " + abbreviate(label.toString())
                + " is not a verdict; use true/false or \"desirable\"/\"undesirable\"");
    }

    /** Reads a required text field and applies the text rules (type, UTF-8, size, normalisation, blank). */
    private String text(JsonNode parent, String name, String displayName) throws InvalidRecord {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            throw new InvalidRecord(ErrorClass.MISSING_FIELD, displayName, "field '" + displayName + "' is "
                    + (value == null ? "missing" : "null") + "; each record needs prompt, chosen and rejected (or "
                    + "messages), or prompt, completion and label; " + DOCS);
        }
        if (!value.isTextual()) {
            throw new InvalidRecord(ErrorClass.WRONG_TYPE, displayName, "field '" + displayName + "' is a "
                    + value.getNodeType().name().toLowerCase(Locale.ROOT) + " (" + abbreviate(value.toString())
                    + "); it must be a JSON string; quote it");
        }
        String raw = value.textValue();
        TextRules.Scan scan = TextRules.scan(raw);
        int surrogate = scan.loneSurrogate();
        if (surrogate >= 0) {
            throw new InvalidRecord(ErrorClass.INVALID_UTF8, displayName, "field '" + displayName
                    + "' holds a lone surrogate (\\u" + Integer.toHexString(raw.charAt(surrogate))
                    + ") at character " + surrogate + ", which is not valid Unicode; fix the escape sequence");
        }
        int bytes = scan.utf8Length();
        if (bytes > limits.maxTextBytes()) {
            throw new InvalidRecord(ErrorClass.TOO_LARGE, displayName, "field '" + displayName + "' is " + bytes
                    + " bytes, over the limit of " + limits.maxTextBytes() + " (--max-text-bytes); shorten it or raise "
                    + "the limit");
        }
        String text = TextRules.normalise(raw, scan);
        requireNonBlank(text, displayName);
        return text;
    }

    private static void requireNonBlank(String text, String field) throws InvalidRecord {
        if (text.isBlank()) {
            throw new InvalidRecord(ErrorClass.BLANK_FIELD, field, "field '" + field + "' is empty or only "
                    + "whitespace; give the text or drop the record");
        }
    }

    /**
     * The optional annotator. It names a person or a tool, so unlike prompt and answers (whose control characters
     * normalisation removes) a control character is refused: silently changing a name would credit someone else,
     * and escape codes would reach every terminal that prints it.
     */
    private String annotator(JsonNode node) throws InvalidRecord {
        JsonNode value = node.get("annotator");
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            return null;
        }
        String text = value.textValue();
        if (TextRules.firstLoneSurrogate(text) >= 0) {
            throw new InvalidRecord(ErrorClass.INVALID_UTF8, "annotator", "field 'annotator' holds a lone surrogate, "
                    + "which is not valid Unicode; fix the escape sequence");
        }
        int control = TextRules.firstControl(text);
        if (control >= 0) {
            throw new InvalidRecord(ErrorClass.CONTROL_CHARACTER, "annotator", String.format(Locale.ROOT,
                    "field 'annotator' holds the control character U+%04X at character %d; an annotator is a name: "
                    + "remove control characters and escape codes", (int) text.charAt(control), control));
        }
        if (TextRules.utf8Length(text) > limits.maxTextBytes()) {
            throw new InvalidRecord(ErrorClass.TOO_LARGE, "annotator", "field 'annotator' is over the limit of "
                    + limits.maxTextBytes() + " bytes (--max-text-bytes); shorten it");
        }
        return text.strip();
    }

    /** score_chosen - score_rejected when both are numbers; each must be finite (1e400 is infinity in a double). */
    private static Double scoreMargin(JsonNode node) throws InvalidRecord {
        JsonNode chosen = node.get("score_chosen");
        JsonNode rejected = node.get("score_rejected");
        requireFinite(chosen, "score_chosen");
        requireFinite(rejected, "score_rejected");
        if (chosen != null && rejected != null && chosen.isNumber() && rejected.isNumber()) {
            double margin = chosen.doubleValue() - rejected.doubleValue();
            if (!Double.isFinite(margin)) {
                throw new InvalidRecord(ErrorClass.INVALID_NUMBER, "score_chosen", "score_chosen - score_rejected "
                        + "is not a finite number; give scores between -1e300 and 1e300");
            }
            return margin;
        }
        return null;
    }

    private static void requireFinite(JsonNode score, String field) throws InvalidRecord {
        if (score != null && score.isNumber() && !Double.isFinite(score.doubleValue())) {
            throw new InvalidRecord(ErrorClass.INVALID_NUMBER, field, "field '" + field + "' (" + abbreviate(
                    score.toString()) + ") is too large for a double (it would be infinite); give a finite number "
                    + "between -1.7e308 and 1.7e308");
        }
    }

    /** Unknown fields (kept as text or compact JSON) plus provenance, never dropped. */
    private static Map<String, String> metadata(JsonNode node, Format recordFormat, Origin origin) {
        Map<String, String> metadata = new LinkedHashMap<>();
        Set<String> known = KNOWN_FIELDS.get(recordFormat);
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (known.contains(key) || (key.equals("annotator") && value.isTextual())) {
                continue; // becomes a field of the record
            }
            // Everything else is kept, score_chosen/score_rejected too (they also feed scoreMargin).
            boolean plainText = value.isTextual() && TextRules.firstLoneSurrogate(value.textValue()) < 0;
            metadata.put(key, plainText ? value.textValue() : value.toString());
        }
        metadata.put("ingest.format", recordFormat.optionName());
        metadata.put("ingest.origin", origin.describe());
        return metadata;
    }

    private static String fieldNames(JsonNode node) {
        StringBuilder names = new StringBuilder();
        node.fieldNames().forEachRemaining(n -> names.append(names.length() == 0 ? "" : ", ").append(n));
        return names.length() == 0 ? "no fields" : abbreviate(names.toString());
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    private static Outcome reject(ErrorClass errorClass, String field, String reason, Origin origin, byte[] raw) {
        return new Outcome.Rejected(new Rejection(errorClass, field, reason, origin, raw));
    }
}
