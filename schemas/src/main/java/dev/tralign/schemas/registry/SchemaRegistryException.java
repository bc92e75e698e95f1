package dev.tralign.schemas.registry;

/**
 * A schema-registry call failed. The message names the subject (or id), the HTTP status and Confluent's error code
 * so an operator can tell "subject not found" (40401) from "incompatible schema" (409) without a debugger.
 */
public class SchemaRegistryException extends RuntimeException {

    /** Confluent's code for "subject not found". */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent's code for "version not found". */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent's code for "schema not found". */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent's code for "subject compatibility level not configured". */
    public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
    /** Confluent's code for an incompatible schema (same as the HTTP status). */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Confluent's code for a schema that does not parse. */
    public static final int INVALID_SCHEMA = 42201;
    /** Confluent's code for a malformed version. */
    public static final int INVALID_VERSION = 42202;
    /** Confluent's code for an invalid compatibility level. */
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    /** Confluent's code for a failure inside the registry's storage. */
    public static final int STORE_ERROR = 50001;

    private final int httpStatus;
    private final int errorCode;

    /** A failure with the HTTP status and Confluent error code (0 when unknown, e.g. unreachable). */
    public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** A failure with the HTTP status and Confluent error code. */
    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        this(message, httpStatus, errorCode, null);
    }

    /** The HTTP status, or 0 when the registry was not reached. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's error code (e.g. 40401), or 0 when unknown. */
    public int errorCode() {
        return errorCode;
    }

    /** True for the three "not found" codes. */
    public boolean isNotFound() {
        return errorCode == SUBJECT_NOT_FOUND || errorCode == VERSION_NOT_FOUND || errorCode == SCHEMA_NOT_FOUND
                || httpStatus == 404;
    }
}
