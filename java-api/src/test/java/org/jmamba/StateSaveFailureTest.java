package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A save that fails at its last step (the rename) leaves no temporary file and names the target. */
class StateSaveFailureTest {

    @Test
    void aFailedRenameLeavesNoTempFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("state.jmst");
        Files.createDirectory(target); // the rename onto it fails (EISDIR)
        Files.writeString(target.resolve("inside"), "x");
        try (Model m = Model.load(ModelLifetimeTest.smallModel(), Model.Options.defaults().withThreads(1));
             Session s = m.newSession()) {
            s.eval(1, 2, 3);
            try (State st = s.snapshot()) {
                IOException e = assertThrows(IOException.class, () -> st.save(target));
                assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
                assertFalse(e.getMessage().contains(".tmp"), "names the temp file: " + e.getMessage());
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "a temp file was left behind");
        }
    }
}
