package dev.tralign.trainerservice;

/**
 * The schema registry could not be asked for a record's writer schema (unreachable, or a 5xx). Unlike a record that
 * does not decode, this says nothing about the record: the trainer waits and decodes it again instead of
 * dead-lettering it, so an outage of the registry loses no training data.
 */
final class RegistryUnavailableException extends RuntimeException {

    RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
