/** The win-rate Kafka Streams topology: evaluation records (Judgment) in, one WinRate per (run, step) out. */
package dev.tralign.evaluator.stream;
