package dev.tralign.ingest.parse;

/** Machine-readable class of a rejection; the DeadLetter's errorClass field. */
public enum ErrorClass {
    /** The bytes are not one JSON value (syntax error, trailing garbage, duplicate key). */
    MALFORMED_JSON,
    /** The JSON value is not an object. */
    NOT_AN_OBJECT,
    /** The record does not match any known format. */
    UNKNOWN_FORMAT,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A required text is empty or only whitespace. */
    BLANK_FIELD,
    /** A field has the wrong JSON type (number where text is expected, ...). */
    WRONG_TYPE,
    /** chosen and rejected are the same text. */
    IDENTICAL_PAIR,
    /** A binary-feedback label is not true/false/desirable/undesirable. */
    INVALID_LABEL,
    /** A text or record exceeds the configured size limit. */
    TOO_LARGE,
    /** The bytes are not valid UTF-8, or the text holds lone surrogates. */
    INVALID_UTF8,
    /** HH-RLHF transcripts that do not share a Human/Assistant history. */
    NO_SHARED_PROMPT,
    /** A conversational message list is malformed (role, content, order). */
    INVALID_CONVERSATION,
    /** The input ended early (truncated gzip, cut-off array). */
    TRUNCATED_INPUT,
    /** The input could not be read at all (I/O error). */
    READ_ERROR,
    /** An identifier-like text (annotator) holds a control character or escape code. */
    CONTROL_CHARACTER,
    /** A number is not finite (1e400 overflows a double). */
    INVALID_NUMBER,
    /** A Kafka record that is not in the topic's format (not Confluent-framed Avro of its schema). */
    MALFORMED_RECORD,
    /** Processing a record failed unexpectedly (a bug); the record is kept in the DLQ. */
    PROCESSING_ERROR
}
