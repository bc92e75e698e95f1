/**
 * Judges behind one interface: a gold-reward judge for the synthetic world and an OpenAI-compatible
 * chat-completions judge (vLLM, llama.cpp server, OpenAI) with position swap.
 */
package dev.tralign.evaluator.judge;
