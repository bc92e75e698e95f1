/**
 * Operations view of a training run: Prometheus metrics from the step results ({@link
 * dev.tralign.trainerservice.metrics.TrainerMetrics}), served by {@code dev.tralign.metrics.MetricsHttpServer}.
 * Nothing here changes what is trained.
 */
package dev.tralign.trainerservice.metrics;
