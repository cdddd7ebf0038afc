package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model file cut short under a loaded model ({@code cp new.gguf model.gguf} over it): a mapped
 * model refuses to evaluate with {@link ModelFileChangedException} instead of dying of SIGBUS, and
 * a model loaded with copied weights does not notice. In a child JVM: a SIGBUS fails the test.
 */
class ModelFileChangeTest {

    public static final class TruncateWhileLoaded {
        public static void main(String[] args) throws Exception {
            Path path = Path.of(args[0]);
            boolean copied = args[1].equals("copied");
            Model.Options options = Model.Options.defaults().withThreads(1).withCopiedWeights(copied);
            int[] prompt = {1, 17, 42, 99, 7};
            try (Model m = Model.load(path, options)) {
                float[] before;
                try (Session s = m.newSession()) {
                    before = s.eval(prompt).toArray();
                }
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    ch.truncate(4096); // keeps the header, drops every weight
                }
                try (Session s = m.newSession()) {
                    float[] after = s.eval(prompt).toArray();
                    System.out.println(Arrays.equals(before, after) ? "same logits" : "other logits");
                } catch (ModelFileChangedException e) {
                    System.out.println("refused: " + e.getMessage());
                }
            }
        }
    }

    private static Path copyOfSmallModel(Path dir) throws Exception {
        Path copy = dir.resolve("model.gguf");
        Files.copy(ModelLifetimeTest.smallModel(), copy);
        return copy;
    }

    @Test
    void aMappedModelWhoseFileShrankRefusesToEvaluate(@TempDir Path dir) throws Exception {
        Path copy = copyOfSmallModel(dir);
        ChildJvm.Outcome o = ChildJvm.run(TruncateWhileLoaded.class, copy.toString(), "mapped");
        assertEquals(0, o.exitCode(), o.describe()); // before: SIGBUS, exit code 134
        assertTrue(o.output().contains("refused: " + copy + ": the model file shrank from "), o.describe());
        assertTrue(o.output().contains("to 4096 bytes"), o.describe());
    }

    @Test
    void aModelWithCopiedWeightsIgnoresItsFile(@TempDir Path dir) throws Exception {
        Path copy = copyOfSmallModel(dir);
        ChildJvm.Outcome o = ChildJvm.run(TruncateWhileLoaded.class, copy.toString(), "copied");
        assertEquals(0, o.exitCode(), o.describe());
        assertTrue(o.output().contains("same logits"), o.describe());
    }

    @Test
    void copiedWeightsGiveTheMappedModelsLogits() throws Exception {
        Path p = ModelLifetimeTest.smallModel();
        int[] prompt = {1, 5, 9, 200};
        try (Model mapped = Model.load(p, Model.Options.defaults().withThreads(1));
             Model copied = Model.load(p, Model.Options.defaults().withThreads(1).withCopiedWeights(true));
             Session a = mapped.newSession(); Session b = copied.newSession()) {
            assertTrue(copied.options().copyWeights());
            assertArrayEquals(a.eval(prompt).toArray(), b.eval(prompt).toArray());
        }
    }
}
