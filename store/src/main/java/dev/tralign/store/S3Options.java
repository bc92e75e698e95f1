package dev.tralign.store;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to reach an S3-compatible store: endpoint override (MinIO: {@code http://minio:9000}; empty = AWS), region,
 * path-style addressing (MinIO and most S3-compatible servers need it), and credentials. Without
 * {@code access_key_id} the SDK's default chain is used (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws, container
 * and instance roles). {@link #toString()} never prints the secret.
 */
public record S3Options(URI endpoint, String region, boolean pathStyle, String accessKeyId, String secretAccessKey) {

    public static final String ENDPOINT = "endpoint";
    public static final String REGION = "region";
    public static final String PATH_STYLE = "path_style";
    public static final String ACCESS_KEY_ID = "access_key_id";
    public static final String SECRET_ACCESS_KEY = "secret_access_key";
    /** The region used when none is given: MinIO and s3rver accept any; AWS needs the bucket's. */
    public static final String DEFAULT_REGION = "us-east-1";
    private static final Set<String> KEYS = Set.of(ENDPOINT, REGION, PATH_STYLE, ACCESS_KEY_ID, SECRET_ACCESS_KEY);

    /** AWS defaults: no endpoint override, us-east-1, virtual-hosted addressing, the default credentials chain. */
    public static S3Options defaults() {
        return new S3Options(null, DEFAULT_REGION, false, null, null);
    }

    /**
     * Reads the keys above from {@code settings} (key without prefix -> value); {@code prefix} names them in
     * messages (e.g. {@code checkpoint.s3.}). Unknown keys, a malformed endpoint and half-given credentials are all
     * reported at once.
     *
     * @throws IllegalArgumentException naming each key and its fix
     */
    public static S3Options parse(Map<String, String> settings, String prefix) {
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(settings.keySet())) {
            if (!KEYS.contains(key)) {
                problems.add("unknown key " + prefix + key + ": the S3 settings are " + prefix + String.join(", "
                        + prefix, new TreeSet<>(KEYS)));
            }
        }
        URI endpoint = null;
        String endpointText = blankToNull(settings.get(ENDPOINT));
        if (endpointText != null) {
            try {
                endpoint = URI.create(endpointText);
                if (endpoint.getHost() == null || !(endpoint.getScheme().equals("http")
                        || endpoint.getScheme().equals("https"))) {
                    throw new IllegalArgumentException("no http(s) host");
                }
            } catch (IllegalArgumentException | NullPointerException e) {
                problems.add(prefix + ENDPOINT + "=" + endpointText + " is not an http(s) URL: give e.g. "
                        + "http://minio:9000");
            }
        }
        String region = blankToNull(settings.get(REGION));
        String pathStyleText = blankToNull(settings.get(PATH_STYLE));
        boolean pathStyle = false;
        if (pathStyleText != null) {
            if (!pathStyleText.equals("true") && !pathStyleText.equals("false")) {
                problems.add(prefix + PATH_STYLE + "=" + pathStyleText + " is not true or false");
            }
            pathStyle = pathStyleText.equals("true");
        }
        String id = blankToNull(settings.get(ACCESS_KEY_ID));
        String secret = blankToNull(settings.get(SECRET_ACCESS_KEY));
        if ((id == null) != (secret == null)) {
            problems.add("give both " + prefix + ACCESS_KEY_ID + " and " + prefix + SECRET_ACCESS_KEY + ", or neither "
                    + "(then the AWS SDK's default chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ~/.aws, roles)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new S3Options(endpoint, region == null ? DEFAULT_REGION : region, pathStyle, id, secret);
    }

    /** True when explicit credentials were given (else the SDK's default chain). */
    public boolean explicitCredentials() {
        return accessKeyId != null;
    }

    @Override
    public String toString() {
        return "S3Options[endpoint=" + (endpoint == null ? "(AWS)" : endpoint) + ", region=" + region + ", pathStyle="
                + pathStyle + ", credentials=" + (explicitCredentials() ? "key " + accessKeyId + " [secret hidden]"
                : "default chain") + "]";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
