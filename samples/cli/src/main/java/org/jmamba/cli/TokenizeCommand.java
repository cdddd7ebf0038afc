package org.jmamba.cli;

import java.io.IOException;
import org.jmamba.tokenizer.EncodeOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jmamba.gguf.GgufFile;
import org.jmamba.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a text as one JSON array on one line.")
final class TokenizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model or vocab-only file")
    Path model;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "text to tokenize")
    String prompt;

    @Option(names = "--no-bos", description = "do not add the BOS token")
    boolean noBos;

    @Option(names = "--special", description = "parse special tokens such as [INST] in the text")
    boolean special;

    @Override
    public Integer call() throws IOException {
        try (GgufFile f = GgufFile.open(model)) {
            Tokenizer tok = Tokenizer.fromGguf(f);
            int[] ids = tok.encode(prompt, EncodeOptions.PLAIN.withBos(!noBos && tok.addBosDefault()).withParseSpecial(special));
            System.out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")));
        }
        return 0;
    }
}
