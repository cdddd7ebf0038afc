#!/usr/bin/env python3
"""Writes the fuzz tests' seed corpus (committed under src/test/resources/.../*Inputs/): small,
valid inputs of every format the fuzz tests read, so that both the regression run and a fuzzing
run start from files that get past the first checks. Run from the repository root."""
import json, os, random, struct

R = random.Random(1)
API = "java-api/src/test/resources/org/jmamba"
QZ = "quantize/src/test/resources/org/jmamba/quantize"


def put(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---- GGUF ---------------------------------------------------------------------------------------
def gstr(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b

U32, F32, BOOL, STR, ARR, U64 = 4, 6, 7, 8, 9, 10

def kv(key, typ, val, elem=None):
    out = gstr(key) + struct.pack("<I", typ)
    if typ == U32: out += struct.pack("<I", val)
    elif typ == F32: out += struct.pack("<f", val)
    elif typ == BOOL: out += struct.pack("<B", val)
    elif typ == STR: out += gstr(val)
    elif typ == U64: out += struct.pack("<Q", val)
    elif typ == ARR:
        out += struct.pack("<IQ", elem, len(val))
        for v in val:
            out += gstr(v) if elem == STR else struct.pack("<f" if elem == F32 else "<i", v)
    return out

def gguf(kvs, tensors, align=32):
    """tensors: (name, dims, float values) in F32."""
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs)) + b"".join(kvs)
    off, data, infos = 0, b"", b""
    for name, dims, vals in tensors:
        infos += gstr(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        infos += struct.pack("<IQ", 0, off)
        blob = struct.pack("<%df" % len(vals), *vals)
        pad = (-len(blob)) % align
        data += blob + b"\0" * pad
        off += len(blob) + pad
    h = head + infos
    return h + b"\0" * ((-len(h)) % align) + data

def rnd(n, scale=0.5, centre=0.0):
    return [centre + (R.random() * 2 - 1) * scale for _ in range(n)]

V, D, L, DI, N, H, G, K = 16, 8, 1, 16, 4, 2, 1, 4
CONV, INP = DI + 2 * G * N, 2 * DI + 2 * G * N + H
meta = [kv("general.architecture", STR, "mamba2"), kv("mamba2.context_length", U32, 1 << 20),
        kv("mamba2.embedding_length", U32, D), kv("mamba2.block_count", U32, L),
        kv("mamba2.ssm.conv_kernel", U32, K), kv("mamba2.ssm.inner_size", U32, DI),
        kv("mamba2.ssm.state_size", U32, N), kv("mamba2.ssm.time_step_rank", U32, H),
        kv("mamba2.ssm.group_count", U32, G), kv("mamba2.attention.layer_norm_rms_epsilon", F32, 1e-5)]
tensors = [("token_embd.weight", [D, V], rnd(D * V)), ("output_norm.weight", [D], rnd(D, 0.1, 1))]
for il in range(L):
    b = "blk.%d." % il
    tensors += [(b + "attn_norm.weight", [D], rnd(D, 0.1, 1)), (b + "ssm_in.weight", [D, INP], rnd(D * INP)),
                (b + "ssm_conv1d.weight", [K, CONV], rnd(K * CONV)), (b + "ssm_conv1d.bias", [CONV], rnd(CONV, 0.1)),
                (b + "ssm_dt.bias", [H], rnd(H, 0.5, -3)), (b + "ssm_a", [1, H], rnd(H, 1, -4)),
                (b + "ssm_d", [1, H], rnd(H, 0.1, 1)), (b + "ssm_norm.weight", [DI // G, G], rnd(DI, 0.1, 1)),
                (b + "ssm_out.weight", [DI, D], rnd(DI * D, 0.2))]
tiny = gguf(meta, tensors)
spm_tokens = ["<unk>", "<s>", "</s>", "\u2581", "a", "b", "\u2581a", "\u2581ab"] + ["<0x%02X>" % i for i in range(8)]
tok = [kv("tokenizer.ggml.model", STR, "llama"), kv("tokenizer.ggml.tokens", ARR, spm_tokens, STR),
       kv("tokenizer.ggml.scores", ARR, [0.0, 0, 0, -1, -2, -3, -1.5, -1] + [0.0] * 8, F32),
       kv("tokenizer.ggml.token_type", ARR, [2, 3, 3, 1, 1, 1, 1, 1] + [6] * 8, 5),
       kv("tokenizer.ggml.bos_token_id", U32, 1), kv("tokenizer.ggml.eos_token_id", U32, 2)]
tiny_tok = gguf(meta + tok, tensors)
every = gguf([kv("general.architecture", STR, "x"), kv("a.u32", U32, 7), kv("a.f32", F32, 0.5), kv("a.bool", BOOL, 1),
              kv("a.u64", U64, 1 << 40), kv("a.strs", ARR, ["x", "yz"], STR), kv("general.alignment", U32, 32)],
             [("t", [4, 2], rnd(8)), ("u", [3], rnd(3))])
for name, data in [("tiny-mamba2", tiny), ("tiny-mamba2-tokenizer", tiny_tok), ("every-type", every)]:
    put(f"{API}/gguf/GgufParserFuzzTestInputs/parse/{name}.gguf", data)
    put(f"{API}/ModelLoadFuzzTestInputs/load/{name}.gguf", data)
put(f"{API}/fuzz-tiny-mamba2.gguf", tiny)  # the model the state files are for

# ---- state files for the tiny model (version 1: 64-byte header, then the floats) -----------------
state_bytes = ((K - 1) * CONV + DI * N) * L * 4
hdr = struct.pack("<IIqq8i", 0x54534D4A, 1, 12, state_bytes, V, D, L, DI, N, H, G, K)
hdr += b"\0" * (64 - len(hdr))
put(f"{API}/StateFileFuzzTestInputs/load/zero-state.jmst", hdr + b"\0" * state_bytes)
put(f"{API}/StateFileFuzzTestInputs/load/random-state.jmst", hdr + struct.pack("<%df" % (state_bytes // 4), *rnd(state_bytes // 4)))

# ---- converter inputs --------------------------------------------------------------------------
put(f"{QZ}/CheckpointReadersFuzzTestInputs/configJson/hf.json", json.dumps({
    "architectures": ["Mamba2ForCausalLM"], "hidden_size": 64, "num_hidden_layers": 2, "vocab_size": 300,
    "state_size": 16, "n_groups": 2, "head_dim": 16, "expand": 2, "conv_kernel": 4, "layer_norm_epsilon": 1e-5,
    "tie_word_embeddings": False}))
put(f"{QZ}/CheckpointReadersFuzzTestInputs/configJson/mamba-ssm.json", json.dumps({
    "d_model": 64, "n_layer": 2, "vocab_size": 300, "ssm_cfg": {"layer": "Mamba2", "d_state": 16, "headdim": 16, "ngroups": 2}}))
put(f"{QZ}/CheckpointReadersFuzzTestInputs/paramsJson/codestral.json", json.dumps({
    "dim": 64, "n_layers": 2, "vocab_size": 300, "n_groups": 2, "rms_norm": True, "tie_embeddings": False}))

def varint(v):
    out = b""
    while True:
        b = v & 0x7F
        v >>= 7
        if v: out += bytes([b | 0x80])
        else: return out + bytes([b])

def field(num, wire, payload):
    return varint(num << 3 | wire) + payload

def ld(num, data):
    return field(num, 2, varint(len(data)) + data)

def piece(text, score, typ):
    return ld(1, ld(1, text.encode()) + field(2, 5, struct.pack("<f", score)) + field(3, 0, varint(typ)))

spm = b"".join(piece(t, s, ty) for t, s, ty in [("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3), ("\u2581", -1, 1),
                                              ("a", -2, 1), ("b", -3, 1), ("\u2581a", -1.5, 1), ("<0x41>", 0, 6)])
spm += ld(2, field(40, 0, varint(0)) + field(41, 0, varint(1)) + field(42, 0, varint(2)) + field(43, 0, varint(0xFFFFFFFF)))
spm += ld(3, ld(1, b"identity") + field(3, 0, varint(1)))
put(f"{QZ}/CheckpointReadersFuzzTestInputs/tokenizerModel/tiny.model", spm)

vocab = {"<unk>": 0, "<s>": 1, "</s>": 2, "a": 3, "b": 4, "ab": 5, "\u0120": 6, "\u0120a": 7}
put(f"{QZ}/CheckpointReadersFuzzTestInputs/tokenizerJson/bpe.json", json.dumps({
    "version": "1.0", "added_tokens": [{"id": 1, "content": "<s>", "special": True}, {"id": 2, "content": "</s>", "special": True}],
    "pre_tokenizer": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": vocab, "merges": ["a b", "\u0120 a"]}}))
put(f"{QZ}/CheckpointReadersFuzzTestInputs/tokenizerJson/bpe-fallback.json", json.dumps({
    "model": {"type": "BPE", "byte_fallback": True, "vocab": {"<unk>": 0, "<0x41>": 1, "\u2581a": 2, "\u2581": 3, "a": 4}, "merges": [["\u2581", "a"]]}}))
put(f"{QZ}/CheckpointReadersFuzzTestInputs/tokenizerJson/unigram.json", json.dumps({
    "model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["\u2581a", -1.0], ["b", -2.0]]}}))

def safetensors(entries):
    hdr, data = {"__metadata__": {"format": "pt"}}, b""
    for name, dtype, shape, raw in entries:
        hdr[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(hdr).encode()
    h += b" " * ((-len(h)) % 8)
    return struct.pack("<Q", len(h)) + h + data

put(f"{QZ}/CheckpointReadersFuzzTestInputs/safetensors/two.safetensors", safetensors([
    ("backbone.embeddings.weight", "F32", [4, 2], struct.pack("<8f", *rnd(8))),
    ("backbone.norm_f.weight", "BF16", [2], b"\x80\x3f\x00\x40"),
    ("lm_head.weight", "F16", [2, 2], b"\x00\x3c\x00\x40\x00\x42\x00\x44")]))
