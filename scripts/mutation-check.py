#!/usr/bin/env python3
"""Puts small bugs into a scratch copy of the tree, one at a time, runs the part of the test
suite that scripts/test.sh runs for that code, and prints which bugs were caught.

    scripts/mutation-check.py                 # every bug
    scripts/mutation-check.py softplus conv   # those whose id contains one of the words
    scripts/mutation-check.py --list          # the bugs, no runs

Each bug is an exact snippet of code and its replacement, found by text, not by line number, so
refactors move nothing silently: a snippet that no longer matches (or matches twice) stops the
run with "pattern not found: ..." and must be pointed at the new code. The scratch copy lives in
$JMAMBA_MUTATION_DIR (default /tmp/jmamba-mutation) and keeps its build folders (what .gitignore
ignores) between runs, so a bug costs an incremental build plus its tests; files the tree no
longer has are deleted from it. Not part of CI: a full run takes a while.

    scripts/mutation-check.py --check         # every snippet matches exactly once (exit 1 if not)

Suite parts (each is a piece of scripts/test.sh):
    c        ctest of the CMake build (every C test)
    java:M[:T1+T2]  the JUnit tests (T1, T2, or all) of Maven module M (-pl M -am; its ctest runs too)
    llama    scripts/llama-cpp/check-our-gguf.sh (llama.cpp reads and runs our GGUF files)
A bug is tried against its parts in order and counts as caught by the first that fails.
"""
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = os.environ.get("JMAMBA_MUTATION_DIR", "/tmp/jmamba-mutation")

# id, file, snippet, replacement, parts, what
BUGS = [
    # ---- the eight of issue 18's table ----
    ("logits-offset", "native-src/model/mamba2.c",
     "ctx->backend->logits(ctx, &f, 0, logits + t0 * m->p.n_vocab)", "ctx->backend->logits(ctx, &f, 0, logits)",
     ["c"], "all-logits output offset dropped: each 256-token micro-batch overwrites the first rows"),
    ("amx-act-scale", "native-src/kernels/amx/gemm_legacy_amx.c",
     "_mm512_mul_ps(dw, _mm512_set1_ps(dy[m * nb]))", "_mm512_mul_ps(dw, _mm512_set1_ps(1.5f * dy[m * nb]))",
     ["c"], "AMX legacy gemm activation scale x1.5"),
    ("softplus-cutoff", "native-src/backend/cpu/gate.c",
     "x > 20.0f ? x : log1pf(expf(x))", "x > 4.0f ? x : log1pf(expf(x))",
     ["c"], "softplus cut-off 20 -> 4"),
    ("conv-taps-reversed", "native-src/model/model.c",
     "wt[k * C + c] = w[c * K + k];", "wt[k * C + c] = w[c * K + (K - 1 - k)];",
     ["c"], "conv taps reversed at load"),
    ("q8-act-last-block", "native-src/kernels/avx2/quantize_legacy_avx2.c",
     "        const float d = q8_block(x, (int8_t *)(y + 2), NULL);\n"
     "        if (d < 0.0f) { jm_quantize_row_q8_0_act(x, y, JM_QK8_0); continue; }\n"
     "        const jm_fp16 h = jm_f32_to_fp16(d);",
     "        const float d = q8_block(x, (int8_t *)(y + 2), NULL);\n"
     "        if (d < 0.0f) { jm_quantize_row_q8_0_act(x, y, JM_QK8_0); continue; }\n"
     "        const jm_fp16 h = jm_f32_to_fp16(b == nb - 1 ? d * 1.01f : d);",
     ["c"], "1% scale error on the last Q8_0 activation block (AVX2)"),
    ("scan-D-dropped", "native-src/backend/cpu/ssm_scan.c",
     "dA, dt, a->d[h], P, N);", "dA, dt, 0.0f, P, N);",
     ["c"], "D skip term dropped (recurrence)"),
    ("chunked-group", "native-src/backend/cpu/ssm_scan_chunked.c",
     "const int64_t g = h / (H / a->n_group);", "const int64_t g = h % a->n_group;",
     ["c"], "wrong group index (chunked scan)"),
    ("rmsnorm-eps", "native-src/backend/cpu/norm.c",
     "1.0f / sqrtf(mean + eps)", "1.0f / sqrtf(mean)",
     ["c"], "RMSNorm eps dropped"),
    # ---- more ----
    ("flush-threshold", "native-src/backend/cpu/ssm_scan_chunked.c",
     "return v < 1e-20f ? 0.0f : v;", "return v < 1e-4f ? 0.0f : v;",
     ["c"], "chunked scan flushes decays below 1e-4 instead of 1e-20"),
    ("chunk-state-decay", "native-src/backend/cpu/ssm_scan_chunked.c",
     "a->ssd_gemm(w->st, P, w->cum[lc - 1], NULL, bt, L, w->xw, P, N, P, lc, 0);",
     "a->ssd_gemm(w->st, P, 1.0f, NULL, bt, L, w->xw, P, N, P, lc, 0);",
     ["c"], "state carried across scan chunks without its decay"),
    ("conv-bias-scalar", "native-src/kernels/scalar/conv_silu_scalar.c",
     "float acc = a->bias[c];", "float acc = 0.0f;",
     ["c"], "conv bias dropped (scalar kernel)"),
    ("conv-state-roll", "native-src/kernels/scalar/conv_silu_scalar.c",
     "const float *src = jm_conv_row(a, a->n_tokens + j);", "const float *src = jm_conv_row(a, a->n_tokens + j - 1);",
     ["c"], "conv state rolled one row short (scalar kernel)"),
    ("microbatch-tokens", "native-src/model/mamba2.c",
     "f.tokens = tokens + t0;", "f.tokens = tokens;",
     ["c"], "every micro-batch re-reads the first 256 tokens"),
    ("gate-group-norm", "native-src/backend/cpu/gate.c",
     "jm_rmsnorm(y, w, y, n, eps);", "jm_rmsnorm(y, w, y, n / 2, eps);",
     ["c"], "gated norm over half of each group"),
    ("q4_0-ref-rounding", "native-src/quants/legacy_quantize.c",
     "int q1 = jm_cvtt_i8(x[j + JM_QK4_0 / 2] * id + 8.5f);", "int q1 = jm_cvtt_i8(x[j + JM_QK4_0 / 2] * id + 8.0f);",
     ["c"], "Q4_0 reference quantizer truncates the upper half-block instead of rounding"),
    ("q6_K-dequant", "native-src/quants/kquant_dequantize.c",
     "const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;",
     "const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 31;",
     ["c"], "Q6_K dequantization: one quarter's offset 32 -> 31"),
    ("split-parts", "native-src/core/threadpool.h",
     "*hi = *lo + per + (ith < rem ? 1 : 0);", "*hi = *lo + per;",
     ["c"], "thread split drops the remainder items"),
    ("batch-logits-column", "native-src/backend/cpu/cpu_backend.c",
     "memcpy(b->out + k++ * d, b->xn + (q->col + q->n - 1) * d, (size_t)d * sizeof(float));",
     "memcpy(b->out + k++ * d, b->xn + q->col * d, (size_t)d * sizeof(float));",
     ["c"], "batched multi-sequence eval: each sequence's logits from its first column, not its last"),
    ("amx-kquant-min", "native-src/kernels/amx/gemm_kquant_amx.c",
     "for (int j = 0; j < subblocks; j++) t[m] = _mm512_fnmadd_ps(w->mn[j]",
     "for (int j = 0; j < subblocks - 1; j++) t[m] = _mm512_fnmadd_ps(w->mn[j]",
     ["c"], "AMX K-quant gemm drops the last sub-block's min term"),
    # ---- Java: tokenizer, sampler, GGUF reader and writer, state files ----
    ("state-body-crc", "java-api/src/main/java/org/jmamba/State.java",
     "if ((int) crc.getValue() != h.bodyCrc) {", "if ((int) crc.getValue() != h.bodyCrc && h.stateBytes < 0) {",
     ["java:java-api:StateFileTest+StateFileFuzzTest"], "state file load does not check the body's CRC"),
    ("sampler-top-k-last", "java-api/src/main/java/org/jmamba/sampling/Sampler.java",
     "        for (int i = k; i < w.length; i++) {\n            float v = w[i];",
     "        for (int i = k; i < w.length - 1; i++) {\n            float v = w[i];",
     ["java:java-api:SamplerTest+SamplerConfigTest"], "top-k never considers the last token id"),
    ("spm-space", "java-api/src/main/java/org/jmamba/tokenizer/SentencePieceTokenizer.java",
     "b.setCharAt(i, ESCAPED_SPACE);", "b.setCharAt(i, ' ');",
     ["java:java-api:SentencePieceTokenizerTest+LlamaSpmVocabTest+GgufTokenizerTest"],
     "SentencePiece tokenizer leaves spaces unescaped"),
    ("sampler-min-p", "java-api/src/main/java/org/jmamba/sampling/Sampler.java",
     "                if (w[i] >= threshold) {", "                if (w[i] > threshold) {",
     ["java:java-api:SamplerTest+SamplerConfigTest"], "min-p drops the candidates exactly at its threshold"),
    ("gguf-data-offset", "java-api/src/main/java/org/jmamba/gguf/GgufParser.java",
     "dataOffset = (pos + alignment - 1) / alignment * alignment;", "dataOffset = pos;",
     ["java:java-api:GgufReaderTest+GgufLlamaFilesTest+GgufWriterTest"], "GGUF reader: data section not aligned"),
    ("gguf-writer-align", "java-api/src/main/java/org/jmamba/gguf/GgufWriter.java",
     "return Math.addExact(n, alignment - 1) / alignment * alignment;", "return n;",
     ["java:java-api:GgufWriterTest", "llama"], "GGUF writer: no alignment padding"),
]

TEST_SUMMARY = re.compile(r"^\s*\d+ - (\S+) \(Failed\)|^\[ERROR\]\s+(\S+)\.\S+:\d+|^\[ERROR\] Tests run:.*in (\S+)|^check-our-gguf: (.*)")


def run(cmd, cwd, log, env=None):
    with open(log, "a") as f:
        f.write(f"\n$ {cmd}\n")
        f.flush()
        return subprocess.run(cmd, shell=True, executable="/bin/bash", cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                              env=env).returncode


def ignored(rels):
    """Those of rels (paths relative to the tree, folders ending in /) that .gitignore ignores."""
    if not rels:
        return set()
    out = subprocess.run(["git", "check-ignore", "--no-index", "--stdin", "-z"], cwd=ROOT, input="\0".join(rels).encode(),
                         capture_output=True).stdout.decode()
    return set(filter(None, out.split("\0")))


def drop_stale(keep):
    """Deletes the scratch copy's files that the tree no longer has (a deleted or renamed source
    would otherwise still be compiled: CMake globs its folders), keeping ignored paths: the
    build folders and what the tests leave there."""
    visited = []
    for top, dirs, files in os.walk(SCRATCH):
        visited.append(top)
        rel_top = os.path.relpath(top, SCRATCH)
        rel = (lambda n: n) if rel_top == "." else (lambda n: f"{rel_top}/{n}")
        skip = ignored([rel(d) + "/" for d in dirs])
        dirs[:] = [d for d in dirs if rel(d) + "/" not in skip and rel(d) != ".git"]
        if rel_top == "." and "mutation.log" in files:
            files.remove("mutation.log")
        stale = [rel(f) for f in files if rel(f) not in keep]
        for f in set(stale) - ignored(stale):
            os.remove(os.path.join(SCRATCH, f))
    for top in reversed(visited):  # source folders left empty
        if top != SCRATCH and not os.listdir(top):
            os.rmdir(top)


def sync_scratch():
    """A copy of the tracked and untracked (not ignored) files, build folders kept, files the
    tree no longer has removed."""
    os.makedirs(SCRATCH, exist_ok=True)
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    drop_stale({f for f in files if f and os.path.isfile(os.path.join(ROOT, f))})
    for rel in filter(None, files):
        src, dst = os.path.join(ROOT, rel), os.path.join(SCRATCH, rel)
        if not os.path.isfile(src):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(src, "rb") as a:
            data = a.read()
        if not os.path.exists(dst) or open(dst, "rb").read() != data:
            with open(dst, "wb") as b:
                b.write(data)
            shutil.copymode(src, dst)
    # the scratch copy sits beside ../shared like the tree itself
    shared = os.path.join(os.path.dirname(SCRATCH), "shared")
    if not os.path.exists(shared) and os.path.isdir(os.path.join(ROOT, "..", "shared")):
        os.symlink(os.path.realpath(os.path.join(ROOT, "..", "shared")), shared)


def part_command(part):
    if part == "c":
        b = "build/mutation"
        return (f"cmake -S . -B {b} -DCMAKE_BUILD_TYPE=Release -DJM_BUILD_BENCH=OFF >/dev/null && "
                f"cmake --build {b} --parallel 2 >/dev/null && ctest --test-dir {b} --output-on-failure")
    if part.startswith("java:"):
        module, _, tests = part[5:].partition(":")
        only = f"-Dtest='{tests.replace('+', ',')}' " if tests else ""
        return (f"source scripts/find-jdk.sh >/dev/null && "
                f"JMAMBA_REQUIRE_TESTDATA=1 JMAMBA_REQUIRE_GENERATOR=1 ./mvnw -o -B verify -pl {module} -am "
                f"{only}-Dsurefire.failIfNoSpecifiedTests=false")
    if part == "llama":
        return "source scripts/find-jdk.sh >/dev/null && ./mvnw -o -B -q package -DskipTests && scripts/llama-cpp/check-our-gguf.sh"
    raise SystemExit(f"unknown suite part {part}")


def failing_tests(log, since):
    with open(log) as f:
        f.seek(since)
        names = []
        for line in f:
            m = TEST_SUMMARY.search(line)
            if m:
                name = next(g for g in m.groups() if g)
                name = name.rsplit(".", 1)[-1] if m.group(4) is None else name  # test classes without package
                if name not in names:
                    names.append(name)
        return names


def apply(bug):
    bid, rel, old, new = bug[0], bug[1], bug[2], bug[3]
    path = os.path.join(SCRATCH, rel)
    if not os.path.isfile(path):
        raise SystemExit(f"mutation-check: {bid}: no file {rel}")
    text = open(path).read()
    n = text.count(old)
    if n != 1:
        raise SystemExit(f"mutation-check: {bid}: pattern not found: {old!r} in {rel}" if n == 0 else
                         f"mutation-check: {bid}: pattern found {n} times, make it unique: {old!r} in {rel}")
    open(path, "w").write(text.replace(old, new))
    return path, text


def main(argv):
    if "--check" in argv:  # every pattern found exactly once in this tree
        bad = 0
        for b in BUGS:
            path = os.path.join(ROOT, b[1])
            n = open(path).read().count(b[2]) if os.path.isfile(path) else 0
            if n != 1:
                print(f"mutation-check: {b[0]}: pattern found {n} times: {b[2]!r} in {b[1]}")
                bad += 1
        print(f"mutation-check: {len(BUGS) - bad} of {len(BUGS)} snippets match exactly once")
        return 1 if bad else 0
    if "--list" in argv:
        for b in BUGS:
            print(f"{b[0]:20s} {b[1]:50s} {b[5]}")
        return 0
    words = [a for a in argv if not a.startswith("-")]
    bugs = [b for b in BUGS if not words or any(w in b[0] for w in words)]
    sync_scratch()
    for b in bugs:  # every pattern checked before anything runs
        path, text = apply(b)
        open(path, "w").write(text)
    log = os.path.join(SCRATCH, "mutation.log")
    open(log, "w").close()
    env = dict(os.environ)
    # baseline: the unmutated copy must pass every part used
    parts = {p for b in bugs for p in b[4] if not p.startswith("java:")}
    java = {}  # one baseline run per module, of every test the bugs name
    for p in (p for b in bugs for p in b[4] if p.startswith("java:")):
        module, _, tests = p[5:].partition(":")
        java.setdefault(module, set()).update(tests.split("+") if tests else [])
    parts |= {f"java:{m}:{'+'.join(sorted(t))}" for m, t in java.items()}
    for part in sorted(parts):
        if run(part_command(part), SCRATCH, log, env) != 0:
            print(f"mutation-check: the unmutated copy fails part {part}: see {log}", file=sys.stderr)
            return 1
    rows = []
    for b in bugs:
        path, text = apply(b)
        caught = None
        t0 = time.time()
        try:
            for part in b[4]:
                since = os.path.getsize(log)
                if run(part_command(part), SCRATCH, log, env) != 0:
                    tests = failing_tests(log, since)
                    caught = f"{part}: {', '.join(tests) if tests else 'build or run failed'}"
                    break
        finally:
            open(path, "w").write(text)
        rows.append((b[5], b[1], caught or "**NOT CAUGHT**", time.time() - t0))
        print(f"{b[0]:20s} {'caught by ' + caught if caught else 'NOT CAUGHT'} ({time.time() - t0:.0f} s)", flush=True)
    print("\n| bug put in | where | caught by |\n| --- | --- | --- |")
    for what, where, caught, _ in rows:
        print(f"| {what} | {where} | {caught} |")
    return 0 if all(r[2] != "**NOT CAUGHT**" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
