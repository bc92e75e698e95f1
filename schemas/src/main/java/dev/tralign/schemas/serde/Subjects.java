package dev.tralign.schemas.serde;

/** Confluent's subject naming. */
public final class Subjects {

    private Subjects() {
    }

    /** TopicNameStrategy: {@code <topic>-key} or {@code <topic>-value}. */
    public static String topicNameStrategy(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
