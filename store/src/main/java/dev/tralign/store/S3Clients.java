package dev.tralign.store;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Builds the S3 client of a store from {@link S3Options}. */
final class S3Clients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A stalled read or write fails after this long instead of holding the trainer or evaluator forever. */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

    private S3Clients() {
    }

    static S3Client build(S3Options options) {
        AwsCredentialsProvider credentials = options.explicitCredentials()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(options.accessKeyId(),
                        options.secretAccessKey()))
                : DefaultCredentialsProvider.builder().build();
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT).build())
                .region(Region.of(options.region()))
                .forcePathStyle(options.pathStyle())
                .credentialsProvider(credentials)
                // The SDK's newer default adds CRC trailers that several S3-compatible servers reject; tralign checks
                // the sha256 of every checkpoint it reads anyway.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // Plain bodies: aws-chunked uploads (the SDK's choice over http://) are stored verbatim, chunk
                // signatures included, by some S3-compatible servers.
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build());
        if (options.endpoint() != null) {
            builder.endpointOverride(options.endpoint());
        }
        return builder.build();
    }
}
