package dev.tralign.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Which S3 failures are "the store does not answer" (retried by readers) and which are a final answer. */
class S3FailuresTest {

    private static S3Exception status(int code, String errorCode) {
        return (S3Exception) S3Exception.builder().statusCode(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(errorCode).build()).message(errorCode).build();
    }

    @Test
    void noAnswerAtAllIsTransient() {
        assertThat(S3Failures.transientFailure(SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused")))).isTrue();
        assertThat(S3Failures.transientFailure(SdkClientException.create("read timed out",
                new SocketTimeoutException("Read timed out")))).isTrue();
        assertThat(S3Failures.transientFailure(SdkClientException.create("no host",
                new UnknownHostException("minio")))).isTrue();
        assertThat(S3Failures.transientFailure(ApiCallTimeoutException.create(Duration.ofSeconds(30).toMillis())))
                .isTrue();
    }

    @Test
    void serverErrorsAndThrottlingAreTransient() {
        assertThat(S3Failures.transientFailure(status(500, "InternalError"))).isTrue();
        assertThat(S3Failures.transientFailure(status(503, "SlowDown"))).isTrue();
        assertThat(S3Failures.transientFailure(status(429, "TooManyRequests"))).isTrue();
        assertThat(S3Failures.transientFailure(status(408, "RequestTimeout"))).isTrue();
        assertThat(S3Failures.transientFailure(status(400, "Throttling"))).isTrue();
    }

    @Test
    void anAnswerThatSaysNoIsPermanent() {
        assertThat(S3Failures.transientFailure(status(403, "AccessDenied"))).isFalse();
        assertThat(S3Failures.transientFailure(status(404, "NoSuchKey"))).isFalse();
        assertThat(S3Failures.transientFailure(status(400, "InvalidRequest"))).isFalse();
        assertThat(S3Failures.transientFailure(SdkClientException.create("Unable to load credentials from any of "
                + "the providers in the chain"))).isFalse();
    }
}
