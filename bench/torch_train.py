#!/usr/bin/python3
"""
The PyTorch peer for bench/train.ts: trains the same model on the same exported MNIST subset on the
CPU and prints one JSON line. Run with Debian's /usr/bin/python3 (python3-torch, libopenblas0-pthread)
and OPENBLAS_NUM_THREADS=1; the script itself sets torch.set_num_threads(1).

    /usr/bin/python3 bench/torch_train.py DIR MODEL EPOCHS BATCH OPTIMIZER LR
    /usr/bin/python3 bench/torch_train.py --mm M K N     (peak matmul GFLOP/s, one thread)

DIR holds meta.json and x_train.u8, y_train.u8, x_test.u8, y_test.u8 (row-major uint8 pixels and
labels, written by bench/lib/export.ts). MODEL is "mlp" (784-512-10), "cnn" (the two-block CNN: W6's shape) or "w4" (the notes' W4 as written).
Initializers match ours: Glorot (Xavier) uniform kernels, zero biases. Optimizer constants follow
tfjs/Keras (RMSprop rho 0.9, eps 1e-7; Adam eps 1e-7).
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)


def load(d, name, n, per):
    with open(os.path.join(d, name), "rb") as f:
        buf = bytearray(f.read())
    t = torch.frombuffer(buf, dtype=torch.uint8)
    return t.reshape(n, per) if per > 1 else t.reshape(n)


class CNN(nn.Module):
    """conv2d(32,3,relu) maxpool(2) conv2d(64,3,relu) maxpool(2) flatten dropout(0.25) dense(128,relu) dropout(0.5) dense(10)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3)
        self.c2 = nn.Conv2d(32, 64, 3)
        self.d1 = nn.Linear(64 * 5 * 5, 128)
        self.out = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        # Keras flattens NHWC; the order does not change what the dense layer can learn.
        x = F.dropout(torch.flatten(x, 1), 0.25, self.training)
        x = F.dropout(F.relu(self.d1(x)), 0.5, self.training)
        return self.out(x)


class W4(nn.Module):
    """The notes' W4: conv2d(16,3,same) conv2d(32,4,same) conv2d(64,4,valid) maxpool(2) flatten dropout(0.5) dense(50,relu) dense(20,relu) dense(10)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding="same")
        self.c2 = nn.Conv2d(16, 32, 4, padding="same")
        self.c3 = nn.Conv2d(32, 64, 4)
        self.d1 = nn.Linear(64 * 12 * 12, 50)
        self.d2 = nn.Linear(50, 20)
        self.out = nn.Linear(20, 10)

    def forward(self, x):
        x = F.relu(self.c2(F.relu(self.c1(x))))
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        x = F.dropout(torch.flatten(x, 1), 0.5, self.training)
        x = F.relu(self.d2(F.relu(self.d1(x))))
        return self.out(x)


def build(kind):
    if kind == "mlp":
        m = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
    elif kind == "cnn":
        m = CNN()
    elif kind == "w4":
        m = W4()
    else:
        raise SystemExit(f"unknown model {kind}")
    for p in m.modules():
        if isinstance(p, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(p.weight)
            nn.init.zeros_(p.bias)
    return m


def peak_mm(m, k, n):
    a = torch.rand(m, k)
    b = torch.rand(k, n)
    for _ in range(5):
        torch.mm(a, b)
    reps = max(5, int(2e9 / (2 * m * k * n)))
    t0 = time.perf_counter()
    for _ in range(reps):
        torch.mm(a, b)
    s = time.perf_counter() - t0
    return {"m": m, "k": k, "n": n, "gflops": 2 * m * k * n * reps / s / 1e9}


def main():
    if sys.argv[1] == "--mm":
        m, k, n = (int(v) for v in sys.argv[2:5])
        print(json.dumps(peak_mm(m, k, n)))
        return
    d, kind, epochs, batch, opt, lr = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6])
    meta = json.load(open(os.path.join(d, "meta.json")))
    per = meta["features"]
    shape = (-1, 784) if kind == "mlp" else (-1, 1, 28, 28)
    xtr = (load(d, "x_train.u8", meta["train"], per).float() / 255).reshape(shape)
    ytr = load(d, "y_train.u8", meta["train"], 1).long()
    xte = (load(d, "x_test.u8", meta["test"], per).float() / 255).reshape(shape)
    yte = load(d, "y_test.u8", meta["test"], 1).long()
    torch.manual_seed(1)
    model = build(kind)
    if opt == "rmsprop":
        o = torch.optim.RMSprop(model.parameters(), lr=lr, alpha=0.9, eps=1e-7)
    elif opt == "adam":
        o = torch.optim.Adam(model.parameters(), lr=lr, eps=1e-7)
    else:
        raise SystemExit(f"unknown optimizer {opt}")
    n = xtr.shape[0]
    model.train()
    t0 = time.perf_counter()
    loss_v = float("nan")
    for _ in range(epochs):
        perm = torch.randperm(n)
        for b in range(0, n, batch):
            idx = perm[b:b + batch]
            o.zero_grad()
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            loss.backward()
            o.step()
        loss_v = loss.item()
    secs = time.perf_counter() - t0
    model.eval()
    correct = 0
    with torch.no_grad():
        for b in range(0, xte.shape[0], 1000):
            correct += (model(xte[b:b + 1000]).argmax(1) == yte[b:b + 1000]).sum().item()
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(),
        "samplesPerSec": n * epochs / secs, "seconds": secs, "trainLoss": loss_v,
        "testAcc": correct / xte.shape[0], "train": n, "test": int(xte.shape[0]), "epochs": epochs,
    }))


if __name__ == "__main__":
    main()
