/**
 * The online half of the loop: judgments of the policy's own samples become preference pairs on
 * tralign.preferences.online ({@link dev.tralign.evaluator.online.OnlineFeedbackTopology}), which the trainer mixes
 * with the offline topic.
 */
package dev.tralign.evaluator.online;
