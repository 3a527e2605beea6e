#!/usr/bin/env python3
"""Trains the small RepVGG on Fashion-MNIST that the accuracy tests use, and exports it in train form.

Run by hand, never by the product or its tests:
    apt-get install dataset-fashion-mnist python3-torch python3-onnx
    /usr/bin/python3 tests/data/fashion-repvgg/train.py tests/data/fashion-repvgg/fashion-repvgg.onnx

The network is RepVGG (Ding et al., 2021) at Fashion-MNIST scale: every block has a 3x3 conv+BN branch, a
1x1 conv+BN branch and, where the shapes allow, an identity BN branch, summed and passed through ReLU.
Stages: 1->32 (28x28), 32->64 stride 2 + 64->64 (14x14), 64->128 stride 2 + 128->128 (7x7), global
average pool, linear 128->10. Input: 1x1x28x28 float32, pixels scaled to [0, 1] then normalized by the
dataset's mean 0.2860 and std 0.3530 (the evaluation side does the same: see the tests' FashionMnist).
Exported in eval mode with BN kept as its own node (do_constant_folding=False), opset 13, a symbolic
batch dimension, so the compiler's BN folding and branch fusion have real work.
"""
import gzip
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530
SEED = 20261129


def read_idx(path):
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.dense = nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout))
        self.onebyone = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))
        self.identity = nn.BatchNorm2d(cout) if cin == cout and stride == 1 else None

    def forward(self, x):
        y = self.dense(x) + self.onebyone(x)
        if self.identity is not None:
            y = y + self.identity(x)
        return F.relu(y)


class FashionRepVgg(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            Block(1, 32, 1),
            Block(32, 64, 2), Block(64, 64, 1),
            Block(64, 128, 2), Block(128, 128, 1))
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        x = self.body(x)
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.head(x)


def tensors(split):
    images = read_idx(f"{DATA}/{split}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    labels = read_idx(f"{DATA}/{split}-labels-idx1-ubyte.gz").astype(np.int64)
    x = torch.from_numpy((images - MEAN) / STD).unsqueeze(1)
    return x, torch.from_numpy(labels)


def top1(model, x, y):
    model.eval()
    with torch.no_grad():
        correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(x), 1000))
    return 100.0 * correct / len(x)


def main(out):
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(2)
    xtr, ytr = tensors("train")
    xte, yte = tensors("t10k")
    model = FashionRepVgg()
    epochs, batch = 8, 128
    steps = epochs * ((len(xtr) + batch - 1) // batch)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=steps)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(xtr))
        for i in range(0, len(xtr), batch):
            idx = order[i:i + batch]
            xb = xtr[idx]
            flip = torch.rand(len(idx)) < 0.5
            xb[flip] = xb[flip].flip(3)
            loss = F.cross_entropy(model(xb), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        print(f"epoch {epoch + 1}/{epochs}: loss {loss.item():.4f}, test top-1 {top1(model, xte, yte):.2f}%", flush=True)
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), out, opset_version=13, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.EVAL, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    print(f"wrote {out}: test top-1 {top1(model, xte, yte):.2f}% (PyTorch, fp32)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fashion-repvgg.onnx")
