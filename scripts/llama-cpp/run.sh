#!/usr/bin/env bash
# Runs llama_check.c against llama.cpp's prebuilt CPU libraries, to compare jmamba with llama.cpp
# (logits, tokens, speed). A developer tool; the test suite does not use it.
#
#   scripts/llama-cpp/run.sh [-t N] [-v] [--no-repack] MODEL eval (--tokens 1,2,3 | --tokens-file F) --logits-out OUT [--batch B]
#   scripts/llama-cpp/run.sh [-v] MODEL tokenize (-p TEXT | -f FILE) [--no-bos] [--special]
#   scripts/llama-cpp/run.sh [-t N] [-v] [--no-repack] MODEL bench [-p 512] [-n 128] [-r 5] [--poll 50] [--json]
#   scripts/llama-cpp/run.sh [-t N] [-v] [--no-repack] MODEL batched [-p 32] [-n 64] [-s 1,2,4,8,16]
#   scripts/llama-cpp/run.sh MODEL info
#   scripts/llama-cpp/run.sh --fetch-only        # fetch and build, run nothing
#
# The libraries come from the npm package @node-llama-cpp/linux-x64 (fetched once with `npm pack`
# into the cache folder), the harness is compiled against them with cc and rebuilt when its source
# changes. Environment:
#   JMAMBA_LLAMA_CPP_CACHE    cache folder (default: ~/.cache/jmamba/llama-cpp)
#   JMAMBA_LLAMA_CPP_LIBDIR   use this folder of libllama*.so / libggml*.so instead of fetching
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
PKG="@node-llama-cpp/linux-x64"
# The struct layouts in llama_check.c are those of the llama.cpp build in this version of the package.
PKG_VERSION="3.22.1"
CACHE="${JMAMBA_LLAMA_CPP_CACHE:-$HOME/.cache/jmamba/llama-cpp}"

die() { echo "run.sh: $*" >&2; exit 1; }

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || die "the prebuilt libraries are for Linux x86-64 only, this is $(uname -s)-$(uname -m)"

fetch() {
  local dest="$CACHE/npm-$PKG_VERSION"
  if [ -f "$dest/package/bins/linux-x64/libggml-base.so" ]; then
    echo "$dest/package/bins/linux-x64"
    return
  fi
  command -v npm >/dev/null 2>&1 || die "npm is not installed, so $PKG@$PKG_VERSION cannot be fetched.
  Install Node.js/npm (Debian: apt-get install npm), or point JMAMBA_LLAMA_CPP_LIBDIR at a folder
  holding that package's bins/linux-x64 libraries."
  mkdir -p "$dest"
  echo "run.sh: fetching $PKG@$PKG_VERSION into $dest" >&2
  local tgz
  if ! tgz="$(cd "$dest" && npm pack --loglevel=error "$PKG@$PKG_VERSION" 2>"$dest/npm.log" | tail -n 1)" || [ ! -f "$dest/$tgz" ]; then
    die "npm could not fetch $PKG@$PKG_VERSION (no registry access, or the package is gone):
$(tail -n 5 "$dest/npm.log" 2>/dev/null)"
  fi
  tar -xzf "$dest/$tgz" -C "$dest" || die "cannot unpack $dest/$tgz"
  [ -f "$dest/package/bins/linux-x64/libggml-base.so" ] \
    || die "$PKG@$PKG_VERSION has no bins/linux-x64/libggml-base.so: the package layout changed"
  echo "$dest/package/bins/linux-x64"
}

# The versioned library names (libllama.v0.5.0.so, ...) change between releases: link by what is there.
one_lib() {
  local found
  found="$(cd "$1" && ls $2 2>/dev/null | head -n 1)"
  [ -n "$found" ] || die "no $2 in $1"
  echo "$found"
}

build() {
  local libdir="$1" bin="$CACHE/llama_check"
  local stamp
  stamp="$(cat "$HERE/llama_check.c" "$0" | sha256sum | cut -c1-16)-$(echo "$libdir" | sha256sum | cut -c1-8)"
  if [ -x "$bin" ] && [ "$(cat "$bin.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$bin"
    return
  fi
  command -v cc >/dev/null 2>&1 || die "no C compiler (cc) on the PATH"
  local llama ggml base
  llama="$(one_lib "$libdir" 'libllama.v*.so libllama.so')"
  ggml="$(one_lib "$libdir" 'libggml.v*.so libggml.so')"
  base="$(one_lib "$libdir" libggml-base.so)"
  mkdir -p "$CACHE"
  cc -std=c11 -O2 -Wall -Wextra -o "$bin.tmp" "$HERE/llama_check.c" \
     -L"$libdir" -l:"$llama" -l:"$ggml" -l:"$base" -Wl,-rpath,"$libdir" -ldl -lm >&2 \
    || die "compiling llama_check.c failed"
  mv "$bin.tmp" "$bin"
  echo "$stamp" > "$bin.stamp"
  echo "$bin"
}

if [ -n "${JMAMBA_LLAMA_CPP_LIBDIR:-}" ]; then
  LIBDIR="$(cd "$JMAMBA_LLAMA_CPP_LIBDIR" && pwd)" || die "JMAMBA_LLAMA_CPP_LIBDIR=$JMAMBA_LLAMA_CPP_LIBDIR is not a folder"
else
  LIBDIR="$(fetch)"
fi
BIN="$(build "$LIBDIR")"
if [ "${1:-}" = "--fetch-only" ]; then
  echo "llama_check is $BIN (libraries in $LIBDIR)"
  exit 0
fi
exec "$BIN" "$@"
