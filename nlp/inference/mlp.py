"""Training of the small MLP heads on cached embeddings (`nlp_train` only, never a worker).
It lives here because this package is the one place torch may be imported."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np


def fit_mlp(
    x: np.ndarray,
    y: np.ndarray,
    *,
    x_dev: np.ndarray,
    score_dev: Callable[[np.ndarray], float],
    multi_label: bool,
    hidden: int = 256,
    epochs: int = 30,
    lr: float = 1e-3,
    weight_decay: float = 1e-2,
    dropout: float = 0.3,
    class_weight: np.ndarray | None = None,
    seed: int = 0,
) -> tuple[dict[str, np.ndarray], float]:
    """Train a one-hidden-layer MLP head (training only: `nlp_train`). Inputs are standardised
    here; the epoch with the best `score_dev(probabilities)` on the dev split is kept (early
    stopping on dev, never on test). Returns numpy weights and the best dev score."""
    import torch

    torch.manual_seed(seed)
    torch.set_grad_enabled(True)
    mean, std = x.mean(0), x.std(0) + 1e-6
    xt = torch.from_numpy(((x - mean) / std).astype(np.float32))
    xd = torch.from_numpy(((x_dev - mean) / std).astype(np.float32))
    yt = torch.from_numpy(y.astype(np.float32 if multi_label else np.int64))
    n_out = y.shape[1] if multi_label else int(y.max()) + 1
    net = torch.nn.Sequential(
        torch.nn.Dropout(0.1),
        torch.nn.Linear(xt.shape[1], hidden),
        torch.nn.ReLU(),
        torch.nn.Dropout(dropout),
        torch.nn.Linear(hidden, n_out),
    )
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    weight = torch.from_numpy(class_weight.astype(np.float32)) if class_weight is not None else None
    loss_fn = (
        torch.nn.BCEWithLogitsLoss(pos_weight=weight)
        if multi_label
        else torch.nn.CrossEntropyLoss(weight=weight)
    )
    best: tuple[float, dict[str, np.ndarray]] = (-1.0, {})
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        net.train()
        for idx in torch.randperm(len(xt), generator=gen).split(256):
            opt.zero_grad()
            loss_fn(net(xt[idx]), yt[idx]).backward()
            opt.step()
        sched.step()
        net.eval()
        with torch.no_grad():
            logits = net(xd)
            probs = logits.sigmoid() if multi_label else logits.softmax(-1)
        score = float(score_dev(probs.numpy()))
        if score > best[0]:
            lin1, lin2 = cast(torch.nn.Linear, net[1]), cast(torch.nn.Linear, net[4])
            best = (
                score,
                {
                    "mean": mean.astype(np.float32),
                    "std": std.astype(np.float32),
                    "w1": lin1.weight.detach().numpy().T.copy(),
                    "b1": lin1.bias.detach().numpy().copy(),
                    "w2": lin2.weight.detach().numpy().T.copy(),
                    "b2": lin2.bias.detach().numpy().copy(),
                },
            )
    torch.set_grad_enabled(False)
    return best[1], best[0]
