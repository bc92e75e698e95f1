/**
 * Ranking many checkpoints at once: Bradley-Terry strengths fitted to pairwise games, with seeded bootstrap
 * intervals (Arena-Hard's method). Pure: nothing here knows about Kafka, HTTP or the Avro records.
 */
package dev.tralign.evaluator.ranking;
