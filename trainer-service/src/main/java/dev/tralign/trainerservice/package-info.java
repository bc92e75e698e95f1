/** The streaming trainer service: Kafka in, training steps, checkpoints and events out, exactly once. */
package dev.tralign.trainerservice;
