package dev.tralign.ingest.parse;

/** Internal control flow of the parser: one record is wrong. Carries no stack trace (it is not a bug). */
final class InvalidRecord extends Exception {

    private final ErrorClass errorClass;
    private final String field;

    InvalidRecord(ErrorClass errorClass, String field, String reason) {
        super(reason, null, false, false);
        this.errorClass = errorClass;
        this.field = field;
    }

    ErrorClass errorClass() {
        return errorClass;
    }

    String field() {
        return field;
    }
}
