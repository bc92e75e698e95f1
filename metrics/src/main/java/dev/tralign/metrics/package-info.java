/**
 * GET /metrics and /healthz for any tralign process that has no HTTP server of its own (trainer, evaluator worker,
 * ingest normaliser): a neutral home, so services share it without depending on each other.
 */
package dev.tralign.metrics;
