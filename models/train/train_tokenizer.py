#!/usr/bin/env python3
"""Trains the SentencePiece tokenizer on the training corpus with the sentencepiece library.

Choices, all so that code keeps its shape and jmamba's tokenizer (llama.cpp's SentencePiece
algorithm: spaces become U+2581, pairs merged by score, bytes for the rest) gives the same ids:
  - BPE, not unigram: llama.cpp's algorithm is SentencePiece's BPE encoder;
  - normalization "identity" and remove_extra_whitespaces off: indentation, tabs and runs of
    spaces reach the model as they are;
  - split_by_whitespace off and whitespace-only pieces allowed: "▁▁▁▁▁▁▁▁" (indentation) and
    pieces such as "▁=▁" are single tokens;
  - add_dummy_prefix off: a file or prompt starting "public" is not seen as " public";
  - byte_fallback on: a newline (SentencePiece trains on lines, so it has no piece for it), a
    tab or any rare character is one or more <0xNN> tokens, never <unk>.
"""
import os
import sys

import sentencepiece as spm

FILE_SEPARATOR = "\x1e"


def lines(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and line != FILE_SEPARATOR:
                yield line


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "data")
    vocab = int(sys.argv[2]) if len(sys.argv) > 2 else 4096
    spm.set_random_generator_seed(1234)
    spm.SentencePieceTrainer.train(
        sentence_iterator=lines(os.path.join(data, "train.txt")),
        model_prefix=os.path.join(data, "tokenizer"),
        model_type="bpe",
        vocab_size=vocab,
        character_coverage=0.9999,
        byte_fallback=True,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        add_dummy_prefix=False,
        split_by_whitespace=False,
        allow_whitespace_only_pieces=True,
        split_digits=True,
        max_sentence_length=8192,
        input_sentence_size=2000000,
        shuffle_input_sentence=True,
        seed_sentencepiece_size=1000000,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        num_threads=1,
        minloglevel=1,
    )
    sp = spm.SentencePieceProcessor(model_file=os.path.join(data, "tokenizer.model"))
    print("vocabulary", sp.get_piece_size())


if __name__ == "__main__":
    main()
