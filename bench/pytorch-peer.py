"""The PyTorch side of `npm run bench`'s side-by-side table (bench/versus-pytorch.ts runs it).

Times, on the images deal's side wrote to DATA (float32 [n, 28, 28] then int32 labels [n]):
  epoch   one epoch of the Gal CNN on 512 images, batch 64, Adam 1e-3 (best of 3 after a warm-up)
  round   50 epochs, batch 128, Adam 1e-3, on the first 100 and the first 1,000 images, with the
          Gal protocol's weight decay (3.5 / N_train on the first dense layer's kernel)
  bald    T MC-dropout passes (dropout on, the whole net every pass) over 2,000 images, batch 500
Prints one JSON object. Usage: python3 pytorch-peer.py DATA THREADS DEVICE T [cases]
DEVICE is cpu or cuda; cases is a comma list of epoch,round100,round1000,bald (default all).
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

data, threads, device, T = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
cases = sys.argv[5].split(",") if len(sys.argv) > 5 else ["epoch", "round100", "round1000", "bald"]
torch.set_num_threads(threads)
torch.manual_seed(1)
raw = np.fromfile(data, dtype=np.uint8)
n = raw.size // (784 * 4 + 4)
x_all = torch.from_numpy(raw[: n * 784 * 4].view(np.float32).reshape(n, 1, 28, 28).copy()).to(device)
y_all = torch.from_numpy(raw[n * 784 * 4 :].view(np.int32).astype(np.int64)).to(device)


class GalCnn(nn.Module):
    """Gal et al. (2017): conv 32@4×4, conv 32@4×4, max-pool 2, dropout .25, dense 128, dropout .5, dense 10."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 4)
        self.c2 = nn.Conv2d(32, 32, 4)
        self.d1 = nn.Linear(11 * 11 * 32, 128)
        self.d2 = nn.Linear(128, 10)

    def forward(self, x, mc=False):
        h = F.max_pool2d(F.relu(self.c2(F.relu(self.c1(x)))), 2)
        h = F.dropout(h, 0.25, training=self.training or mc)
        h = F.dropout(F.relu(self.d1(h.flatten(1))), 0.5, training=self.training or mc)
        return self.d2(h)


def sync():
    if device == "cuda":
        torch.cuda.synchronize()


def train(x, y, epochs, batch, weight_decay=None):
    model = GalCnn().to(device)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(x.shape[0], device=device)
        for i in range(0, x.shape[0], batch):
            idx = perm[i : i + batch]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            if weight_decay is not None:
                loss = loss + weight_decay / x.shape[0] * model.d1.weight.square().sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
        sync()
        times.append(time.perf_counter() - start)
    return model, times


out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "device": device}
if device == "cuda":
    out["gpu"] = torch.cuda.get_device_name(0)
train(x_all[:128], y_all[:128], 1, 64)  # warm-up: first-call allocations and kernel selection
if "epoch" in cases:
    _, times = train(x_all[:512], y_all[:512], 4, 64)
    out["epoch_s"] = min(times[1:])
for labels in (100, 1000):
    if f"round{labels}" in cases:
        start = time.perf_counter()
        train(x_all[:labels], y_all[:labels], 50, 128, weight_decay=3.5)
        sync()
        out[f"round{labels}_s"] = time.perf_counter() - start
if "bald" in cases:
    model, _ = train(x_all[:128], y_all[:128], 1, 128)
    model.eval()
    pool = x_all[:2000]
    with torch.no_grad():
        start = time.perf_counter()
        probs = torch.stack([torch.cat([F.softmax(model(pool[i : i + 500], mc=True), 1) for i in range(0, 2000, 500)]) for _ in range(T)])
        mean = probs.mean(0)
        bald = -(mean * mean.clamp_min(1e-12).log()).sum(1) + (probs * probs.clamp_min(1e-12).log()).sum(2).mean(0)
        float(bald.sum())
        sync()
        out["bald_s"] = time.perf_counter() - start
print(json.dumps(out))
