/**
 * Judges behind one interface: a gold-reward judge for the synthetic world, a reward-model judge (a checkpoint's
 * mean completion log-prob per token) and an OpenAI-compatible chat-completions judge (vLLM, llama.cpp server,
 * OpenAI) with position swap.
 */
package dev.tralign.evaluator.judge;
