"""The reference for `npm run bench experiment`: one Adam step of the in-context-learning experiment as a researcher
would write it in PyTorch, float32, on one thread, batched over the tasks: draw the batch (words, x*, targets,
centred labels), the softmax self-attention layer's forward pass with the offset read-out, autograd's backward, Adam.
Same shapes and protocol as the project's defaults (server/src/icl). Prints {"msPerStep", "cpuMsPerStep", "torch",
"loss"} as JSON: wall and CPU time (process_time) per step.

Usage: python3 torch_icl_step.py N D BATCH STEPS
"""

import json
import sys
import time

import torch


def main() -> None:
    n, d, batch, steps = (int(a) for a in sys.argv[1:5])
    torch.set_num_threads(1)
    torch.manual_seed(0)
    D, k = d + 1, d + 1
    std = (0.002 / D) ** 0.5
    wq, wk, wv = (torch.randn(D, k) * std for _ in range(3))
    wp = torch.randn(k, D) * (0.002 / k) ** 0.5
    params = [p.requires_grad_() for p in (wq, wk, wv, wp)]
    adam = torch.optim.Adam(params, lr=0.001, betas=(0.9, 0.98), eps=1e-12)

    def step() -> float:
        words = torch.randn(batch, n + 1, d) / d**0.5
        xstar = torch.randn(batch, d)
        p = torch.softmax(torch.einsum("bij,bj->bi", words, xstar), dim=1)
        ctx = p[:, :n]
        labels = n * ctx / ctx.sum(dim=1, keepdim=True) - 1
        tokens = torch.cat([words[:, :n], labels.unsqueeze(2)], dim=2)
        query = torch.cat([words[:, n], torch.zeros(batch, 1)], dim=1)
        q = query @ wq
        keys = tokens @ wk
        values = tokens @ wv
        alpha = torch.softmax(torch.einsum("bk,bik->bi", q, keys) / k**0.5, dim=1)
        out = query + torch.einsum("bi,bik->bk", alpha, values) @ wp
        y_hat = (1 - out[:, D - 1]) / (n + 1)
        loss = 0.5 * ((y_hat - p[:, n]) ** 2).mean()
        adam.zero_grad()
        loss.backward()
        adam.step()
        return float(loss)

    for _ in range(3):
        step()
    t0 = time.perf_counter()
    c0 = time.process_time()
    loss = 0.0
    for _ in range(steps):
        loss = step()
    ms = (time.perf_counter() - t0) * 1000 / steps
    cpu = (time.process_time() - c0) * 1000 / steps
    print(json.dumps({"msPerStep": ms, "cpuMsPerStep": cpu, "torch": torch.__version__, "loss": loss}))


main()
