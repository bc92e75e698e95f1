#!/usr/bin/env python3
"""Exports the eager peer's --arch llama model (../shared/bench/torch_dpo_step.py's TinyLlama: RMSNorm, rotary,
grouped-query attention, SwiGLU, untied head) as TorchScript, for `tralign bench trainer --path torchscript`.

Same flags and defaults as the peer's model shape; float32; forward: ids [N, W] int64 -> logits [N, W, vocab].
The peer's module is scripted if torch.jit.script accepts it, else traced at [2, seq - 1] (its shapes are read
with aten::size, so other widths and batch sizes run too: checked below against the eager module).

Usage: /usr/bin/python3 bench/scripts/export_llama_torchscript.py --vocab 512 --embed 256 --layers 4 --heads 8 \
           --kv-heads 2 --seq 128 --out /tmp/llama-M.pt
       ./tralign bench trainer --arch llama --path torchscript --model /tmp/llama-M.pt [the same shape flags]
(needs Debian's torch: apt-get install -y python3-torch libopenblas0-pthread)
"""
import argparse
import importlib.util
import json
import os

import torch

here = os.path.dirname(os.path.abspath(__file__))
default_peer = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "bench", "torch_dpo_step.py"))

p = argparse.ArgumentParser()
p.add_argument("--peer", default=default_peer)
p.add_argument("--vocab", type=int, default=64)
p.add_argument("--embed", type=int, default=128)
p.add_argument("--layers", type=int, default=2)
p.add_argument("--heads", type=int, default=4)
p.add_argument("--kv-heads", type=int, default=0)
p.add_argument("--intermediate", type=int, default=0)
p.add_argument("--seq", type=int, default=64)
p.add_argument("--out", required=True)
# Other flags of the peer (--pairs, --steps, ...) are accepted and ignored, so the same shape string serves both.
a, _ = p.parse_known_args()

spec = importlib.util.spec_from_file_location("torch_dpo_step", a.peer)
peer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(peer)

kv_heads = a.kv_heads or a.heads
intermediate = a.intermediate or -(-8 * a.embed // 3 // 16) * 16
torch.manual_seed(0)
model = peer.TinyLlama(a.vocab, a.embed, a.layers, a.heads, a.seq, kv_heads, intermediate).eval()
how = "script"
try:
    exported = torch.jit.script(model)
except Exception as e:  # generator expressions and tuple unpacking of them are not TorchScript
    how = "trace (script failed: %s)" % str(e).splitlines()[0]
    example = torch.randint(0, a.vocab, (2, a.seq - 1))
    exported = torch.jit.trace(model, example, check_trace=False)
exported.save(a.out)

loaded = torch.jit.load(a.out)
worst = 0.0
for n, w in ((3, a.seq - 1), (5, a.seq // 2), (1, 7)):
    ids = torch.randint(0, a.vocab, (n, w))
    with torch.no_grad():
        worst = max(worst, (loaded(ids) - model(ids)).abs().max().item())
print(json.dumps({"out": a.out, "how": how, "params": sum(q.numel() for q in model.parameters()),
                  "max_abs_diff_vs_eager_other_shapes": worst, "torch": torch.__version__}))
