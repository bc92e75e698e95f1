#!/usr/bin/env python3
"""Writes peer_fixture.json: the PyTorch peer's TinyGpt (bench/torch_dpo_step.py) at a tiny shape, its weights,
a token batch, and what the peer computes for it (logits, per-sequence completion log-probs, the DPO loss against
a second model, and the policy's gradient norm). GptModelPeerTest checks the Java model against these numbers.

Regenerate: /usr/bin/python3 make_fixture.py  (needs python3-torch; the JSON is checked in)."""
import json
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, "/work/shared/bench")
from torch_dpo_step import TinyGpt, sequence_logps  # noqa: E402

V, E, L, H, T, B = 11, 8, 2, 2, 8, 2
torch.manual_seed(3)
policy = TinyGpt(V, E, L, H, T)
reference = TinyGpt(V, E, L, H, T)
# Perturb LayerNorm gains and biases so they are not the trivial 1/0 and the test sees them.
with torch.no_grad():
    for m in (policy, reference):
        for name, p in m.named_parameters():
            if "ln" in name:
                p.add_(0.1 * torch.randn_like(p))
tokens = torch.randint(0, V, (2 * B, T))
mask = torch.zeros(2 * B, T)
mask[:, T // 2:] = 1.0
beta = 0.1
with torch.no_grad():
    logits = policy(tokens[:, :-1])
    ref_logps = sequence_logps(reference, tokens, mask)
policy_logps = sequence_logps(policy, tokens, mask)
ratio = policy_logps - ref_logps
loss = F.softplus(-beta * (ratio[:B] - ratio[B:])).mean()
loss.backward()
grad_norm = torch.sqrt(sum((p.grad ** 2).sum() for p in policy.parameters())).item()


def weights(model):
    return {k: v.flatten().tolist() for k, v in model.state_dict().items() if k != "mask"}


json.dump({
    "shape": {"vocab": V, "embed": E, "layers": L, "heads": H, "seq": T, "pairs": B, "beta": beta},
    "policy": weights(policy),
    "reference": weights(reference),
    "tokens": tokens.tolist(),
    "logits": logits.flatten().tolist(),
    "policy_logps": policy_logps.tolist(),
    "reference_logps": ref_logps.tolist(),
    "dpo_loss": loss.item(),
    "grad_norm": grad_norm,
}, open("peer_fixture.json", "w"))
print("wrote peer_fixture.json", loss.item(), grad_norm)
