/**
 * Operations view of a training run: Prometheus metrics from the step results ({@link
 * dev.tralign.trainer.service.metrics.TrainerMetrics}) and a small HTTP server for /metrics and /healthz
 * ({@link dev.tralign.trainer.service.metrics.MetricsHttpServer}). Nothing here changes what is trained.
 */
package dev.tralign.trainer.service.metrics;
