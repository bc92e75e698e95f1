package dev.tralign.app.cli;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides which client settings are secrets and hides them in anything printed or logged. Same rule as the
 * trainer's RunConfig: passwords, JAAS configs, basic-auth user info, tokens, credentials and private keys.
 */
final class SecretValues {

    static final String HIDDEN = "[hidden]";
    private static final Pattern SECRET = Pattern.compile(
            ".*(password|secret|jaas|user\\.info|credential|token|\\.key$|keystore\\.key).*");

    private SecretValues() {
    }

    /** True when the value of {@code key} must never be shown. */
    static boolean isSecret(String key) {
        return SECRET.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    /** The value, or {@link #HIDDEN} when {@code key} names a secret. */
    static String mask(String key, String value) {
        return isSecret(key) ? HIDDEN : value;
    }

    /** A URL with any {@code user:password@} replaced, e.g. for the registry URL. */
    static String maskUrl(String url) {
        try {
            String userInfo = URI.create(url).getRawUserInfo();
            return userInfo == null ? url : url.replace(userInfo + "@", HIDDEN + "@");
        } catch (IllegalArgumentException e) {
            // Not a URL we can parse: it may still hold credentials, so show none of it.
            return url.contains("@") ? HIDDEN : url;
        }
    }
}
