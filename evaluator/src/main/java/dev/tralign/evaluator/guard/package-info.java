/**
 * Guard rails of alignment runs, as pure functions of the numbers on the topics: the failure signatures the
 * trust-region paper (arXiv 2404.09656) names (KL to SFT over a budget, oscillating KL, a win-rate drop across a
 * reference update, diverging loss or gradient norm) and champion promotion. No Kafka here: the evaluator's
 * stream package feeds these classes records and publishes what they find.
 */
package dev.tralign.evaluator.guard;
