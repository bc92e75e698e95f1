/** KL divergence of a checkpoint to the SFT policy, estimated from its own samples. Pure. */
package dev.tralign.evaluator.kl;
