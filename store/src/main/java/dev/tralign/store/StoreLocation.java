package dev.tralign.store;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A parsed {@code checkpoint.store} value: a local directory (a path or a {@code file:} URI) or
 * {@code s3://bucket/prefix}. Parsing reports what is wrong with the value and how to write it, naming the setting.
 */
public sealed interface StoreLocation {

    /** Where a key (a relative path such as {@code run-1/step-100.ckpt}) is kept. */
    URI uriOf(String key);

    /** Checkpoints in a local (or mounted) directory. */
    record Local(Path directory) implements StoreLocation {
        @Override
        public URI uriOf(String key) {
            return directory.resolve(key).toAbsolutePath().normalize().toUri();
        }

        @Override
        public String toString() {
            return directory.toString();
        }
    }

    /** Checkpoints as objects {@code <prefix>/<key>} in an S3 bucket; prefix is empty or has no slash at either end. */
    record S3(String bucket, String prefix) implements StoreLocation {
        @Override
        public URI uriOf(String key) {
            return URI.create("s3://" + bucket + "/" + objectKey(key));
        }

        /** The object key of a relative key. */
        public String objectKey(String key) {
            return prefix.isEmpty() ? key : prefix + "/" + key;
        }

        @Override
        public String toString() {
            return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        }
    }

    /**
     * Parses {@code value} of setting {@code setting}: {@code s3://bucket[/prefix]}, {@code file:/dir} or a path.
     *
     * @throws IllegalArgumentException with the setting's name and the fix
     */
    static StoreLocation parse(String setting, String value) {
        String text = value == null ? "" : value.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException(setting + " is empty: give a directory or s3://bucket/prefix");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("s3://")) {
            return s3(setting, text);
        }
        if (lower.startsWith("file:")) {
            try {
                return new Local(Path.of(URI.create(text)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + "=" + text + " is not a file: URI of a directory ("
                        + e.getMessage() + "): give file:/absolute/dir or a plain path");
            }
        }
        if (lower.matches("[a-z][a-z0-9+.-]*://.*")) {
            throw new IllegalArgumentException(setting + "=" + text + " uses a scheme tralign does not store "
                    + "checkpoints in: give a directory or s3://bucket/prefix (S3, MinIO and other S3-compatible "
                    + "stores)");
        }
        try {
            return new Local(Path.of(text));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(setting + "=" + text + " is not a path: " + e.getMessage());
        }
    }

    private static S3 s3(String setting, String text) {
        String rest = text.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        // S3's bucket naming rules (lower case, digits, dots and hyphens, 3-63, starting and ending alphanumeric).
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException(setting + "=" + text + ": '" + bucket + "' is not an S3 bucket name "
                    + "(3-63 lower-case letters, digits, '.' and '-'): write s3://bucket/prefix");
        }
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (prefix.startsWith("/") || prefix.contains("//")) {
            throw new IllegalArgumentException(setting + "=" + text + " has an empty path segment in its prefix: "
                    + "write s3://bucket/prefix/sub");
        }
        return new S3(bucket, prefix);
    }
}
