package dev.tralign.evaluator.online;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content-hash id of a preference pair, by the same rule as ingest's {@code ContentIds.pairId}: sha256 hex over
 * the tag "pair" and the length-prefixed UTF-8 texts of prompt, chosen and rejected. Copied (a dozen lines) rather
 * than imported because the evaluator may depend on schemas and the trainer only (DESIGN.md section 3); a golden
 * value computed with ingest's class pins the two together in the test.
 */
public final class PairIds {

    private PairIds() {
    }

    /** Id of a preference pair: sha256("pair", prompt, chosen, rejected). */
    public static String pairId(String prompt, String chosen, String rejected) {
        MessageDigest digest = sha256();
        digest.update("pair".getBytes(StandardCharsets.US_ASCII));
        for (String part : new String[] {prompt, chosen, rejected}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            // The length prefix keeps "ab"+"c" and "a"+"bc" apart.
            digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }
}
