/** The win-rate Kafka Streams topology: judgments and generations in, one WinRate per (run, step) out. */
package dev.tralign.evaluator.stream;
