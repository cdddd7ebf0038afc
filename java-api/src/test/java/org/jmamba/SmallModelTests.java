package org.jmamba;

import org.jmamba.gguf.GgmlType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Tests on TestModels.small() in F32 (seed 7), loaded once per test class, with 2 threads. */
abstract class SmallModelTests {
    static Model model;
    static int vocab;

    @BeforeAll
    static void loadSmallModel() throws Exception {
        model = Model.load(TestModels.write(TestModels.small(), GgmlType.F32, 7), Model.Options.defaults().withThreads(2));
        vocab = model.params().nVocab();
    }

    @AfterAll
    static void closeSmallModel() {
        model.close();
    }

    static int[] tokens(int n, int seed) {
        return TestModels.tokens(vocab, n, seed);
    }
}
