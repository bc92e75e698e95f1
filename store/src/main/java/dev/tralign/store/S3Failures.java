package dev.tralign.store;

import java.io.IOException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Which failures of an S3 call mean "the store does not answer now" (transient: worth retrying) rather than "the
 * answer is no" (permanent). Transient: no response at all (connection refused or reset, unknown host, a connect or
 * read timeout, the SDK's call timeouts), a 5xx, 408 and 429, and throttling error codes (SlowDown, ...). Permanent:
 * every other answer of the server (403 access denied, 404 handled by the caller as missing, 400) and client-side
 * failures that are not I/O (no credentials found, a bad endpoint).
 */
final class S3Failures {

    private S3Failures() {
    }

    static boolean transientFailure(SdkException e) {
        if (e instanceof SdkServiceException) {
            SdkServiceException service = (SdkServiceException) e;
            int status = service.statusCode();
            // AwsServiceException adds the throttling error codes (SlowDown, Throttling, ...) to the 429 status.
            return status >= 500 || status == 408 || status == 429 || service.isThrottlingException();
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
