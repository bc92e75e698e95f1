package dev.tralign.ingest.parse;

import dev.tralign.schemas.avro.FeedbackLabel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-hash ids: sha256 hex over a type tag and the length-prefixed UTF-8 texts, so that no two different
 * records can share an id by moving text across a field boundary ("ab"+"c" vs "a"+"bc").
 */
public final class ContentIds {

    /** One digest per thread, reset by each {@code digest()}: ids are computed on the parse threads' hot path. */
    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(ContentIds::newDigest);

    private ContentIds() {
    }

    /** Id of a preference pair: sha256("pair", prompt, chosen, rejected). */
    public static String pairId(String prompt, String chosen, String rejected) {
        return hash("pair", prompt, chosen, rejected);
    }

    /** Id of binary feedback: sha256("feedback", prompt, completion, label). */
    public static String feedbackId(String prompt, String completion, FeedbackLabel label) {
        return hash("feedback", prompt, completion, label.name());
    }

    /** Key that groups feedback on the same prompt for pairing: sha256("prompt", trimmed prompt). */
    public static String promptKey(String prompt) {
        return hash("prompt", prompt.strip());
    }

    /** sha256 hex of raw bytes (used for file identity). */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    /** A fresh sha256 digest. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }

    private static String hash(String tag, String... parts) {
        MessageDigest digest = DIGESTS.get();
        digest.update(tag.getBytes(StandardCharsets.US_ASCII));
        for (String part : parts) {
            LengthPrefixedUtf8.update(digest, part);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
