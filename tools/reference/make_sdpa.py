"""Writes the TorchScript module through which the Java encoder calls PyTorch's fused attention.

DJL's JNI exposes matmul and softmax but not `scaled_dot_product_attention`, whose fused CPU kernel
is what transformers runs (attn_implementation="sdpa"); it never holds the full score matrix. The module has no
weights; the product loads it from its resources with libtorch (no Python at run time).

    /work/venvs/reference/bin/python tools/reference/make_sdpa.py
"""

from pathlib import Path

import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parents[2] / "model/src/main/resources/dev/quire/model/sdpa.pt"


class FusedAttention(torch.nn.Module):
    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, scale: float) -> torch.Tensor:
        return F.scaled_dot_product_attention(q, k, v, scale=scale)

    @torch.jit.export
    def masked(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor, scale: float) -> torch.Tensor:
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)


if __name__ == "__main__":
    torch.jit.script(FusedAttention()).save(str(OUT))
    print(f"wrote {OUT} with torch {torch.__version__}")
