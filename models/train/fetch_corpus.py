#!/usr/bin/env python3
"""Builds the training corpus: Java sources from Apache-2.0 -sources.jars on Maven Central.

Every artifact is pinned (group, artifact, version) and its SHA-1 checked against the one Maven
Central publishes beside it, so the corpus is the same wherever it is built. Each .java file is kept
whole except its leading licence header (the same Apache boilerplate at the top of every file would
otherwise be a large share of what the model learns); files go to the held-out set by a hash of
their path (about 2%), never by chance.

Writes, under the output folder (default models/train/data):
  jars/             the downloaded -sources.jars
  train.txt         training files, each followed by a line holding only FILE_SEPARATOR
  heldout.txt       held-out files, the same way
  heldout/          a few held-out files as they are (for the tokenizer vectors)
  corpus.json       per artifact: files, bytes, licence, SHA-1
"""
import hashlib
import json
import os
import re
import sys
import urllib.request
import zipfile

CENTRAL = "https://repo1.maven.org/maven2"
FILE_SEPARATOR = "\x1e"  # ASCII record separator: never in Java source, split on by train.py

# (group, artifact, version, licence)
ARTIFACTS = [
    ("org.apache.commons", "commons-lang3", "3.17.0", "Apache-2.0"),
    ("commons-io", "commons-io", "2.18.0", "Apache-2.0"),
    ("org.apache.commons", "commons-text", "1.13.0", "Apache-2.0"),
    ("org.apache.commons", "commons-collections4", "4.4", "Apache-2.0"),
    ("commons-codec", "commons-codec", "1.17.1", "Apache-2.0"),
    ("org.apache.commons", "commons-compress", "1.27.1", "Apache-2.0"),
    ("com.google.guava", "guava", "33.4.0-jre", "Apache-2.0"),
    ("com.fasterxml.jackson.core", "jackson-core", "2.18.2", "Apache-2.0"),
    ("com.fasterxml.jackson.core", "jackson-databind", "2.18.2", "Apache-2.0"),
]

HEADER = re.compile(r"\A\s*/\*.*?\*/\s*", re.S)


def fetch(url, dest):
    if os.path.exists(dest):
        return
    tmp = dest + ".part"
    with urllib.request.urlopen(url, timeout=120) as r, open(tmp, "wb") as f:
        f.write(r.read())
    os.replace(tmp, dest)


def sha1(path):
    h = hashlib.sha1()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def strip_header(text):
    m = HEADER.match(text)
    if m and re.search(r"licen[cs]e|copyright", m.group(0), re.I):
        return text[m.end():]
    return text


def heldout(name):
    return hashlib.sha1(name.encode()).digest()[0] < 6  # 6/256, about 2.3%


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "data")
    os.makedirs(os.path.join(out, "jars"), exist_ok=True)
    os.makedirs(os.path.join(out, "heldout"), exist_ok=True)
    summary = []
    with open(os.path.join(out, "train.txt"), "w", encoding="utf-8", newline="\n") as tr, \
         open(os.path.join(out, "heldout.txt"), "w", encoding="utf-8", newline="\n") as ho:
        for g, a, v, lic in ARTIFACTS:
            name = f"{a}-{v}-sources.jar"
            url = f"{CENTRAL}/{g.replace('.', '/')}/{a}/{v}/{name}"
            jar = os.path.join(out, "jars", name)
            fetch(url, jar)
            with urllib.request.urlopen(url + ".sha1", timeout=60) as r:
                want = r.read().decode().split()[0].strip()
            got = sha1(jar)
            if got != want:
                sys.exit(f"{name}: SHA-1 {got}, Maven Central says {want}")
            n_train = n_held = bytes_train = bytes_held = skipped = 0
            with zipfile.ZipFile(jar) as z:
                for e in sorted(z.namelist()):
                    if not e.endswith(".java"):
                        continue
                    try:
                        text = z.read(e).decode("utf-8", errors="strict").replace("\r\n", "\n")
                    except UnicodeDecodeError:
                        skipped += 1  # a few files are Latin-1: left out rather than guessed at
                        continue
                    text = strip_header(text)
                    if FILE_SEPARATOR in text or not text.strip():
                        continue
                    key = f"{a}/{e}"
                    if heldout(key):
                        ho.write(text + "\n" + FILE_SEPARATOR + "\n")
                        n_held += 1
                        bytes_held += len(text.encode())
                        flat = key.replace("/", "_")
                        with open(os.path.join(out, "heldout", flat), "w", encoding="utf-8", newline="\n") as f:
                            f.write(text)
                    else:
                        tr.write(text + "\n" + FILE_SEPARATOR + "\n")
                        n_train += 1
                        bytes_train += len(text.encode())
            summary.append(dict(group=g, artifact=a, version=v, licence=lic, url=url, sha1=got,
                                train_files=n_train, train_bytes=bytes_train,
                                heldout_files=n_held, heldout_bytes=bytes_held, skipped_not_utf8=skipped))
            print(f"{g}:{a}:{v} ({lic}): {n_train} train files ({bytes_train} B), {n_held} held out ({bytes_held} B), {skipped} not UTF-8 left out")
    with open(os.path.join(out, "corpus.json"), "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
