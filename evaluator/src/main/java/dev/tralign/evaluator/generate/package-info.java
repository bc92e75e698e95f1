/**
 * Text in and out of a policy: prompts to token ids, generated ids to completions (shared by checkpoint evaluation
 * and online sampling, so neither imports the other).
 */
package dev.tralign.evaluator.generate;
