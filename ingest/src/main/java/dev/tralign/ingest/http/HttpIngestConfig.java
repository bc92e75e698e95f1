package dev.tralign.ingest.http;

import dev.tralign.ingest.parse.IngestLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the HTTP endpoint. Every limit is an option of {@code tralign ingest serve} (and so a TRALIGN_*
 * environment variable); docs/ingest.md lists them once.
 *
 * @param host                  interface to bind (--host), e.g. 127.0.0.1 or 0.0.0.0
 * @param port                  port (--port); 0 picks a free one
 * @param bearerToken           required "Authorization: Bearer" token (--token, or env TRALIGN_INGEST_TOKEN);
 *                              null disables authentication (local use only)
 * @param maxBodyBytes          largest request body (--max-body-bytes); larger requests get 413 before their body
 *                              is read (declared length) or as soon as they pass it (chunked)
 * @param maxInFlightRecords    records that may wait for the broker at once (--max-in-flight); a request that
 *                              does not fit gets 429. At least maxRecords, so every allowed request can fit.
 * @param limits                record and text size limits (--max-record-bytes, --max-text-bytes)
 * @param maxRecords            records in one request (--max-records); more get 413
 * @param maxBufferedBytes      bytes of request bodies held at once (--max-buffered-bytes); taken as bytes arrive,
 *                              so a stalled client holds only what it sent; a request that finds none left gets 429.
 *                              At least maxBodyBytes, so every allowed request can fit
 * @param readTimeout           longest wait for the next bytes of a request, or on an idle connection
 *                              (--read-timeout); then 408 and the connection is closed
 * @param requestTimeout        longest time from the first byte of a request to its answer (--request-timeout),
 *                              the broker's acknowledgement included
 * @param maxConnections        open connections at most (--max-connections); past it the server stops accepting
 *                              until one closes (idle ones close after readTimeout), so file descriptors stay bounded
 */
public record HttpIngestConfig(String host, int port, String bearerToken, int maxBodyBytes, int maxInFlightRecords,
                               IngestLimits limits, int maxRecords, long maxBufferedBytes, Duration readTimeout,
                               Duration requestTimeout, int maxConnections) {

    /** Default --max-body-bytes: 8 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
    /** Default --max-records per request. */
    public static final int DEFAULT_MAX_RECORDS = 10_000;
    /** Default --max-in-flight: two full requests. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 20_000;
    /** Default --max-buffered-bytes: eight full bodies. */
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 8L * DEFAULT_MAX_BODY_BYTES;
    /** Default --read-timeout. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    /** Default --request-timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Default --max-connections. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;

    /** Validates every option with a message naming it. */
    public HttpIngestConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--host is empty; use 127.0.0.1 (local) or 0.0.0.0 (all interfaces)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port " + port + " is not a port; use 0-65535 (0 = any free port)");
        }
        if (bearerToken != null && bearerToken.isBlank()) {
            throw new IllegalArgumentException("--token is blank; give a secret token or leave it unset to disable auth");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("--max-body-bytes must be at least 1024, was " + maxBodyBytes);
        }
        Objects.requireNonNull(limits, "limits");
        if (maxRecords < 1) {
            throw new IllegalArgumentException("--max-records must be at least 1, was " + maxRecords);
        }
        if (maxInFlightRecords < maxRecords) {
            throw new IllegalArgumentException("--max-in-flight (" + maxInFlightRecords + ") must be at least "
                    + "--max-records (" + maxRecords + "), or a full request could never be accepted; raise it or "
                    + "lower --max-records");
        }
        if (maxBufferedBytes < maxBodyBytes) {
            throw new IllegalArgumentException("--max-buffered-bytes (" + maxBufferedBytes + ") must be at least "
                    + "--max-body-bytes (" + maxBodyBytes + "), or a full body could never be accepted");
        }
        if (readTimeout == null || readTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("--read-timeout must be at least 100 ms (e.g. 10s), was " + readTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("--max-connections must be at least 1, was " + maxConnections);
        }
        if (requestTimeout == null || requestTimeout.compareTo(readTimeout) < 0) {
            throw new IllegalArgumentException("--request-timeout (" + requestTimeout + ") must be at least "
                    + "--read-timeout (" + readTimeout + ")");
        }
    }

    /** The earlier six settings; the rest at their defaults, --max-records capped to fit --max-in-flight. */
    public HttpIngestConfig(String host, int port, String bearerToken, int maxBodyBytes, int maxInFlightRecords,
                            IngestLimits limits) {
        this(host, port, bearerToken, maxBodyBytes, maxInFlightRecords, limits,
                Math.min(DEFAULT_MAX_RECORDS, maxInFlightRecords), Math.max(DEFAULT_MAX_BUFFERED_BYTES, maxBodyBytes),
                DEFAULT_READ_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }

    /** Local defaults: 127.0.0.1, every limit at its default. */
    public static HttpIngestConfig local(int port, String bearerToken) {
        return new HttpIngestConfig("127.0.0.1", port, bearerToken, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IN_FLIGHT,
                IngestLimits.DEFAULTS, DEFAULT_MAX_RECORDS, DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_READ_TIMEOUT,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }

    /** This config with other timeouts (tests use short ones). */
    public HttpIngestConfig withTimeouts(Duration read, Duration request) {
        return new HttpIngestConfig(host, port, bearerToken, maxBodyBytes, maxInFlightRecords, limits, maxRecords,
                maxBufferedBytes, read, request, maxConnections);
    }

    /** This config with other request limits. */
    public HttpIngestConfig withRequestLimits(int bodyBytes, int records, int inFlight, long bufferedBytes) {
        return new HttpIngestConfig(host, port, bearerToken, bodyBytes, inFlight, limits, records,
                bufferedBytes, readTimeout, requestTimeout, maxConnections);
    }

    /** This config with another connection limit. */
    public HttpIngestConfig withMaxConnections(int connections) {
        return new HttpIngestConfig(host, port, bearerToken, maxBodyBytes, maxInFlightRecords, limits, maxRecords,
                maxBufferedBytes, readTimeout, requestTimeout, connections);
    }
}
