package dev.tralign.ingest.http;

import dev.tralign.ingest.parse.IngestLimits;

/**
 * Settings of the HTTP endpoint.
 *
 * @param host               interface to bind (--http-host), e.g. 127.0.0.1 or 0.0.0.0
 * @param port               port (--http-port); 0 picks a free one
 * @param bearerToken        required "Authorization: Bearer" token (--token, or env TRALIGN_INGEST_TOKEN);
 *                           null disables authentication (local use only)
 * @param maxBodyBytes       largest request body (--max-body-bytes); larger requests get 413
 * @param maxInFlightRecords records that may wait for the broker at once (--max-in-flight); beyond that 429
 * @param limits             record and text size limits
 */
public record HttpIngestConfig(String host, int port, String bearerToken, int maxBodyBytes, int maxInFlightRecords,
                               IngestLimits limits) {

    /** Validates every option with a message naming it. */
    public HttpIngestConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--http-host is empty; use 127.0.0.1 (local) or 0.0.0.0 (all interfaces)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--http-port " + port + " is not a port; use 0-65535 (0 = any free port)");
        }
        if (bearerToken != null && bearerToken.isBlank()) {
            throw new IllegalArgumentException("--token is blank; give a secret token or leave it unset to disable auth");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("--max-body-bytes must be at least 1024, was " + maxBodyBytes);
        }
        if (maxInFlightRecords < 1) {
            throw new IllegalArgumentException("--max-in-flight must be at least 1, was " + maxInFlightRecords);
        }
        if (limits == null) {
            throw new IllegalArgumentException("limits are required");
        }
    }

    /** Local defaults: 127.0.0.1, 8 MiB bodies, 20,000 records in flight, default limits. */
    public static HttpIngestConfig local(int port, String bearerToken) {
        return new HttpIngestConfig("127.0.0.1", port, bearerToken, 8 * 1024 * 1024, 20_000, IngestLimits.DEFAULTS);
    }
}
