#!/usr/bin/env python3
"""Trains the Mamba-2 code model (seeded; see README.md).

  /usr/bin/python3 train.py [--data DIR] [--out DIR] [--steps N] [--threads T] ...

Documents (files) are [BOS] tokens [EOS]; each step takes `batch` windows of seq+1 tokens at
seeded random offsets of the training stream, their first token made BOS as llama-perplexity
does. AdamW, linear warm-up then cosine decay, gradient clipping at 1. Every `--eval-every`
steps: held-out loss; every `--save-every` steps a checkpoint (ckpt.pt, written to a temporary
file and renamed), so an export can be made from any point. The loss log is log.tsv.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import sentencepiece as spm
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mamba2 import Config, Mamba2LM  # noqa: E402

FILE_SEPARATOR = "\x1e"


def encode(sp, path, cache):
    if os.path.exists(cache):
        return np.load(cache)
    text = open(path, encoding="utf-8").read()
    docs = [d[:-1] if d.endswith("\n") else d for d in text.split("\n" + FILE_SEPARATOR + "\n") if d.strip()]
    ids = []
    for piece_ids in sp.encode(docs):
        ids.append(sp.bos_id())
        ids.extend(piece_ids)
        ids.append(sp.eos_id())
    arr = np.array(ids, dtype=np.uint16)
    np.save(cache, arr)
    return arr


def batch(data, idx, seq):
    x = torch.from_numpy(np.stack([data[i:i + seq + 1].astype(np.int64) for i in idx]))
    x[:, 0] = 1  # BOS
    return x[:, :-1], x[:, 1:]


@torch.no_grad()
def heldout_loss(model, data, seq, max_windows):
    model.eval()
    n = min(max_windows, (len(data) - 1) // seq)
    total = 0.0
    for i in range(0, n, 8):
        idx = [j * seq for j in range(i, min(n, i + 8))]
        x, y = batch(data, idx, seq)
        total += F.cross_entropy(model(x).reshape(-1, model.cfg.vocab_size), y.reshape(-1), reduction="sum").item()
    model.train()
    return total / (n * seq)


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--data", default=os.path.join(here, "data"))
    ap.add_argument("--out", default=os.path.join(here, "run"))
    ap.add_argument("--steps", type=int, default=850, help="steps (the schedule's length) unless --minutes is given")
    ap.add_argument("--minutes", type=float, default=0,
                    help="train for this much wall time instead: the schedule follows elapsed time, and the run stops when it is spent")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--d-model", type=int, default=256)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--d-state", type=int, default=64)
    ap.add_argument("--head-dim", type=int, default=64)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--save-every", type=int, default=50)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    sp = spm.SentencePieceProcessor(model_file=os.path.join(args.data, "tokenizer.model"))
    train = encode(sp, os.path.join(args.data, "train.txt"), os.path.join(args.data, "train.ids.npy"))
    held = encode(sp, os.path.join(args.data, "heldout.txt"), os.path.join(args.data, "heldout.ids.npy"))
    print(f"train tokens {len(train)}, held-out tokens {len(held)}", flush=True)

    cfg = Config(vocab_size=sp.get_piece_size(), d_model=args.d_model, n_layer=args.n_layer, d_state=args.d_state,
                 head_dim=args.head_dim)
    model = Mamba2LM(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"config {cfg.to_dict()}, parameters {n_params}", flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "conv1d" not in n]
    other = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "conv1d" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))

    budget = args.minutes * 60

    def progress(step):
        """Fraction of the run done: by steps, or by wall time with --minutes."""
        if budget > 0:
            return (time.time() - t0) / budget
        return step / args.steps

    def lr_at(step):
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        t = progress(step)
        return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))

    log = open(os.path.join(args.out, "log.tsv"), "w")
    log.write("step\ttokens\tseconds\tlr\ttrain_loss\theldout_loss\n")
    t0 = time.time()
    tokens = 0
    smooth = None
    step = -1
    while True:
        step += 1
        if (budget > 0 and time.time() - t0 >= budget) or (budget <= 0 and step >= args.steps):
            break
        rate = lr_at(step)
        for g in opt.param_groups:
            g["lr"] = rate
        idx = rng.integers(0, len(train) - args.seq - 1, size=args.batch)
        x, y = batch(train, idx, args.seq)
        loss = F.cross_entropy(model(x).reshape(-1, cfg.vocab_size), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens += x.numel()
        smooth = loss.item() if smooth is None else 0.95 * smooth + 0.05 * loss.item()
        last = progress(step + 1) >= 1
        ev = ""
        if (step + 1) % args.eval_every == 0 or last:
            ev = f"{heldout_loss(model, held, args.seq, 32):.4f}"
        el = time.time() - t0
        log.write(f"{step + 1}\t{tokens}\t{el:.1f}\t{rate:.2e}\t{loss.item():.4f}\t{ev}\n")
        log.flush()
        if (step + 1) % 10 == 0 or ev:
            print(f"step {step + 1} ({100 * progress(step + 1):.1f}%) loss {loss.item():.3f} (smoothed {smooth:.3f}) "
                  f"{'held-out ' + ev + ' ' if ev else ''}{tokens / el:.0f} tok/s {el:.0f} s", flush=True)
        if (step + 1) % args.save_every == 0 or last:
            tmp = os.path.join(args.out, "ckpt.pt.tmp")
            torch.save({"config": cfg.to_dict(), "model": model.state_dict(), "step": step + 1, "tokens": tokens,
                        "seconds": el, "args": vars(args)}, tmp)
            os.replace(tmp, os.path.join(args.out, "ckpt.pt"))
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump({"steps": step, "tokens": tokens, "seconds": time.time() - t0, "parameters": n_params,
                   "final_train_loss_smoothed": smooth, "config": cfg.to_dict(), "args": vars(args)}, f, indent=1)


if __name__ == "__main__":
    main()
