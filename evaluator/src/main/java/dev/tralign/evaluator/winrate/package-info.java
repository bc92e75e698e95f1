/**
 * Pure win-rate arithmetic following AlpacaEval's conventions: preference normalisation, additive accumulators
 * (so a streaming aggregate can add and retract judgments), standard error and the Wilson interval.
 * Nothing here knows about Kafka or HTTP.
 */
package dev.tralign.evaluator.winrate;
