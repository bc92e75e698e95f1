/**
 * Where checkpoints are kept: a local directory or S3-compatible object storage. Knows nothing of Kafka, models or
 * tralign's other modules: it moves and checks bytes ({@link dev.tralign.store.CheckpointStore}), and decides which
 * checkpoints retention keeps ({@link dev.tralign.store.RetentionPolicy}).
 */
package dev.tralign.store;
