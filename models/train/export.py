#!/usr/bin/env python3
"""Exports a training checkpoint in Mistral's format, converts it with jmamba, and writes the
reference data jmamba's tests compare against (models/reference/).

  /usr/bin/python3 export.py [--run DIR] [--data DIR] [--repo DIR] [--work DIR]

1. <work>/mistral/: params.json, consolidated.safetensors (F32), tokenizer.model;
2. `./jmamba convert <work>/mistral models/jmamba-java-2.8m-f16.gguf --outtype f16`;
3. models/reference/:
   tokenizer-cases.tsv   name, base64 of the UTF-8 text, the ids sentencepiece gives (no BOS);
   logits-tokens.txt     the ids of a held-out snippet (BOS first);
   logits-batched.f32    PyTorch logits for every snippet token, chunked SSD form;
   logits-stepped.f32    PyTorch logits for the first STEPPED tokens, recurrent form;
     both in float64 from the weights the F16 file holds (the matrices rounded to fp16, as the
     converter rounds them), written as float32 little-endian rows of n_vocab;
   heldout-small.txt     about 40 KB of held-out files, for the perplexity tests;
   pytorch-perplexity.json  PyTorch perplexity of the held-out texts, windows as llama-perplexity.
"""
import argparse
import base64
import json
import os
import shutil
import struct
import subprocess
import sys

import numpy as np
import sentencepiece as spm
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mamba2 import Config, Mamba2LM  # noqa: E402

MODEL_FILE = "jmamba-java-2.8m-f16.gguf"
FILE_SEPARATOR = "\x1e"
SNIPPET = 150   # crosses jmamba's scan chunks of 64 twice
STEPPED = 48

HARD_STRINGS = [
    ("empty", ""),
    ("one-space", " "),
    ("indentation", "        return x;\n    }\n}\n"),
    ("tabs", "\tif (a) {\n\t\treturn b;\t// tab inside\n\t}\n"),
    ("crlf", "line one\r\nline two\r\n\r\nline four\r\n"),
    ("empty-lines", "\n\n\nint x;\n\n\n\n"),
    ("space-runs", "a  b   c    d     e      f" + " " * 40 + "g"),
    ("leading-trailing", "   leading and trailing   "),
    ("unicode", "String s = \"héllo wörld — naïve café ✓ 日本語 Ελληνικά русский\";"),
    ("emoji", "// 🚀🎉 done 👍🏽\n"),
    ("nbsp-and-block", "a\u00a0b \u2581 c\u2581\u2581d"),
    ("digits", "int[] xs = {0, 12, 345, 6789}; double d = 3.14159e-10; long h = 0xFFL;"),
    ("identifiers", "AbstractSingletonProxyFactoryBean.getObjectTypeFromInterfaceMethodReference()"),
    ("control", "bell\u0007 escape\u001b[0m delete\u007f"),
    ("mixed-whitespace", " \t \n\t\t  \r\n \u3000 x"),
]


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        a = t.detach().to(torch.float32).contiguous().numpy().astype("<f4")
        b = a.tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def heldout_files(data):
    text = open(os.path.join(data, "heldout.txt"), encoding="utf-8").read()
    return [d[:-1] if d.endswith("\n") else d for d in text.split("\n" + FILE_SEPARATOR + "\n") if d.strip()]


def llama_perplexity(model, ids, ctx, bos):
    """llama-perplexity's windows: first token BOS, second half scored."""
    n_chunk = len(ids) // ctx
    first = ctx // 2
    nll, nll2, n = 0.0, 0.0, 0
    with torch.no_grad():
        for c in range(0, n_chunk, 8):
            rows = []
            for k in range(c, min(n_chunk, c + 8)):
                w = list(ids[k * ctx:(k + 1) * ctx])
                w[0] = bos
                rows.append(w)
            x = torch.tensor(rows)
            lp = F.log_softmax(model(x).double(), dim=-1)
            for r in range(len(rows)):
                tgt = x[r, first + 1:]
                v = -lp[r, first:ctx - 1].gather(-1, tgt[:, None])[:, 0]
                nll += v.sum().item()
                nll2 += (v * v).sum().item()
                n += v.numel()
    mean = nll / n
    var = nll2 / n - mean * mean
    ppl = float(np.exp(mean))
    return {"ctx": ctx, "windows": n_chunk, "scored": n, "ppl": ppl, "ppl_error": ppl * float(np.sqrt(var / (n - 1)))}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default=os.path.join(here, "run"))
    ap.add_argument("--data", default=os.path.join(here, "data"))
    ap.add_argument("--repo", default=os.path.abspath(os.path.join(here, "..", "..")))
    ap.add_argument("--work", default=os.path.join(here, "export"))
    ap.add_argument("--quick", action="store_true", help="skip the perplexity of all held-out files (slow)")
    args = ap.parse_args()
    torch.set_num_threads(1)

    ck = torch.load(os.path.join(args.run, "ckpt.pt"), map_location="cpu")
    cfg = Config(**ck["config"])
    model = Mamba2LM(cfg)
    model.load_state_dict(ck["model"])
    model.eval()
    print(f"checkpoint: step {ck['step']}, {ck['tokens']} tokens, {ck['seconds']:.0f} s")

    # 1. Mistral's format
    mdir = os.path.join(args.work, "mistral")
    os.makedirs(mdir, exist_ok=True)
    params = {"dim": cfg.d_model, "n_layers": cfg.n_layer, "vocab_size": cfg.vocab_size, "n_groups": cfg.n_groups,
              "d_state": cfg.d_state, "head_dim": cfg.head_dim, "d_conv": cfg.d_conv, "expand": cfg.expand,
              "norm_eps": cfg.eps, "rms_norm": True, "residual_in_fp32": True, "fused_add_norm": True,
              "pad_vocab_size_multiple": 1, "tie_embeddings": cfg.tied}
    with open(os.path.join(mdir, "params.json"), "w") as f:
        json.dump(params, f, indent=2)
    write_safetensors(os.path.join(mdir, "consolidated.safetensors"), model.state_dict())
    shutil.copy(os.path.join(args.data, "tokenizer.model"), os.path.join(mdir, "tokenizer.model"))

    # 2. jmamba convert
    out = os.path.join(args.repo, "models", MODEL_FILE)
    subprocess.run([os.path.join(args.repo, "jmamba"), "convert", mdir, out, "--outtype", "f16", "--no-progress"], check=True)

    # 3. reference data
    ref = os.path.join(args.repo, "models", "reference")
    os.makedirs(ref, exist_ok=True)
    sp = spm.SentencePieceProcessor(model_file=os.path.join(args.data, "tokenizer.model"))
    files = heldout_files(args.data)
    cases = list(HARD_STRINGS)
    for i in (0, 7, 19, 31, 44, 58):
        if i < len(files):
            cases.append((f"heldout-file-{i}", files[i][:6000]))
    with open(os.path.join(ref, "tokenizer-cases.tsv"), "w", encoding="utf-8") as f:
        f.write("# name\tbase64(UTF-8 text)\tids from sentencepiece " + spm.__version__ + " (no BOS)\n")
        for name, text in cases:
            ids = sp.encode(text)
            f.write(f"{name}\t{base64.b64encode(text.encode()).decode()}\t{','.join(map(str, ids))}\n")

    snippet_ids = [sp.bos_id()] + sp.encode(files[3])[:SNIPPET - 1]
    with open(os.path.join(ref, "logits-tokens.txt"), "w") as f:
        f.write(",".join(map(str, snippet_ids)) + "\n")
    m64 = Mamba2LM(cfg).double()
    sd = {k: v.double() for k, v in model.state_dict().items()}
    for k in sd:  # the matrices the F16 file holds in fp16; everything else stays F32 there
        if k.endswith(("embeddings.weight", "in_proj.weight", "out_proj.weight", "lm_head.weight")):
            sd[k] = sd[k].to(torch.float16).double()
    m64.load_state_dict(sd)
    with torch.no_grad():
        x = torch.tensor([snippet_ids])
        batched = m64(x)[0]
        state = [(a.double(), b.double()) for a, b in m64.new_state(1)]
        stepped = torch.stack([m64.step(x[:, t], state)[0] for t in range(STEPPED)])
    print("PyTorch batched vs stepped (float64): max |diff| %.3g" % (batched[:STEPPED] - stepped).abs().max().item())
    batched.numpy().astype("<f4").tofile(os.path.join(ref, "logits-batched.f32"))
    stepped.numpy().astype("<f4").tofile(os.path.join(ref, "logits-stepped.f32"))

    # held-out texts: a small one for the tests (files taken round-robin over the artifacts), and all
    small, size, names = [], 0, sorted(os.listdir(os.path.join(args.data, "heldout")))
    by_artifact = {}
    for n in names:
        by_artifact.setdefault(n.split("_")[0], []).append(n)
    order = [lst[i] for i in range(max(map(len, by_artifact.values()))) for lst in by_artifact.values() if i < len(lst)]
    for n in order:
        t = open(os.path.join(args.data, "heldout", n), encoding="utf-8").read()
        if size + len(t) > 40000:
            continue
        small.append(t)
        size += len(t)
    small_text = "".join(small)
    with open(os.path.join(ref, "heldout-small.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(small_text)
    all_text = "".join(f + "\n" for f in files)
    with open(os.path.join(args.work, "heldout-all.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write(all_text)
    result = {"checkpoint": {"step": ck["step"], "tokens": ck["tokens"], "seconds": ck["seconds"]}}
    m16 = Mamba2LM(cfg)
    m16.load_state_dict({k: v.float() for k, v in sd.items()})
    m16.eval()
    texts = [("heldout-small.txt", small_text)] + ([] if args.quick else [("heldout-all.txt", all_text)])
    for name, text in texts:
        ids = [sp.bos_id()] + sp.encode(text)
        r = {"tokens": len(ids), "bytes": len(text.encode())}
        r.update(llama_perplexity(model, ids, 256, sp.bos_id()))
        if name == "heldout-small.txt":  # the F16 file's weights, for the test that runs that file
            r["ppl_f16_weights"] = llama_perplexity(m16, ids, 256, sp.bos_id())["ppl"]
        result[name] = r
        print(name, r, flush=True)
    with open(os.path.join(ref, "pytorch-perplexity.json"), "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
