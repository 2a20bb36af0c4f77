"""Goldens for Quire's dynamic loss scaling: torch.amp.GradScaler on the CPU over known gradients.

Two parameters whose gradients are known (the gradient of sum(p * c) is c) step ten times through
the HF Trainer's order (scale the loss, backward, unscale_, clip_grad_norm_, scaler.step, update);
at two steps c holds 1e38, so the scaled gradient overflows and the step is skipped. Writes each
step's scale before the step, whether the optimiser ran, and the parameters after it.

    /work/venvs/reference/bin/python tools/reference/grad_scaler_goldens.py
"""

import json
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parents[2] / "training/src/test/resources/dev/quire/training/optim/grad-scaler-goldens.json"


def main():
    torch.manual_seed(0)
    p = torch.nn.Parameter(torch.ones(3))
    q = torch.nn.Parameter(torch.ones(2))
    optimizer = torch.optim.AdamW([p, q], lr=0.05, weight_decay=0.01)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**4, growth_factor=2.0, backoff_factor=0.5, growth_interval=3)
    overflow = {3, 7}
    steps = []
    for step in range(1, 11):
        c = torch.tensor([0.5 * step, -1.0, 2.0 / step])
        d = torch.tensor([1e38 if step in overflow else 0.25, -0.75 * step])
        optimizer.zero_grad()
        loss = (p * c).sum() + (q * d).sum()
        scale_before = scaler.get_scale()
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        norm = torch.nn.utils.clip_grad_norm_([p, q], 1.0)
        scaler.step(optimizer)
        scaler.update()
        ran = scaler.get_scale() >= scale_before
        steps.append(dict(step=step, c=c.tolist(), d=d.tolist(), scale=scale_before, ran=bool(ran),
                          grad_norm=float(norm), p=p.detach().tolist(), q=q.detach().tolist()))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(dict(torch=torch.__version__, init_scale=16.0, growth_factor=2.0, backoff_factor=0.5,
                                   growth_interval=3, lr=0.05, weight_decay=0.01, max_grad_norm=1.0, steps=steps),
                              indent=1))
    print(OUT, [(s["step"], s["scale"], s["ran"]) for s in steps])


if __name__ == "__main__":
    main()
