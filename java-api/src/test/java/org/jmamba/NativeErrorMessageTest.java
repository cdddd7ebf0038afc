package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.jmamba.gguf.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native library's own explanation reaches the caller, and a folder is named as one. */
class NativeErrorMessageTest {
    @Test
    void tooManyThreadsIsExplainedByTheNativeLimit() {
        Path file = TestModels.write(TestModels.small(), GgmlType.F32, 1);
        RuntimeException e = assertThrows(RuntimeException.class, () -> {
            try (Model m = Model.load(file, Model.Options.defaults().withThreads(100_000)); Session s = m.newSession()) {
                s.eval(1);
            }
        });
        // jm_context_create writes the reason into the error the arena holds: read before the arena closes
        assertTrue(e.getMessage().contains("n_threads 100000 is above the limit"), e.getMessage());
    }

    @Test
    void aFolderIsNotAModel(@TempDir Path dir) {
        FileSystemException e = assertThrows(FileSystemException.class, () -> Model.load(dir));
        assertEquals(dir + ": is a folder, not a GGUF file", e.getMessage());
    }
}
