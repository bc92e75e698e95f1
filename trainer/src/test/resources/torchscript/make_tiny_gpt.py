#!/usr/bin/env python3
"""Writes tiny_gpt.pt: the peer's TinyGpt (bench/torch_dpo_step.py, V11 E8 L2 H2 T8) exported with
torch.jit.script, the "bring your own TorchScript model" fixture of ScriptedLmTest.
Regenerate: /usr/bin/python3 make_tiny_gpt.py  (needs python3-torch; the .pt is checked in)."""
import sys

import torch

sys.path.insert(0, "/work/shared/bench")
from torch_dpo_step import TinyGpt  # noqa: E402

torch.manual_seed(5)
torch.jit.script(TinyGpt(11, 8, 2, 2, 8)).save("tiny_gpt.pt")
