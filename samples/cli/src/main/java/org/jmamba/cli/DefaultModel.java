package org.jmamba.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model {@code run} and {@code demo} use when no -m is given: the small Java code model trained
 * for this repository (models/README.md), found in the checkout the CLI runs from. JMAMBA_MODEL
 * names another file instead.
 */
final class DefaultModel {
    static final String FILE = "models/jmamba-java-2.8m-f16.gguf";

    private DefaultModel() {}

    /** The default model's path; an exception saying where it should be when it is missing. */
    static Path resolve() {
        String env = System.getenv("JMAMBA_MODEL");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("JMAMBA_MODEL names " + p + ", which is not a file");
            return p;
        }
        return resolve(checkoutRoot());
    }

    /** The default model of the checkout at {@code root} (null: not running from a checkout). */
    static Path resolve(Path root) {
        if (root == null) {
            throw new IllegalArgumentException("no -m given, and the default model (" + FILE + " of the jmamba checkout) "
                    + "cannot be found: this jmamba does not run from a checkout; give -m FILE or set JMAMBA_MODEL");
        }
        Path p = root.resolve(FILE);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no -m given, and the default model is missing: it should be at " + p
                    + " (restore it with: git checkout -- models/), or give -m FILE");
        }
        return p;
    }

    /** The checkout holding the CLI's classes: the nearest folder above them with models/ and a pom.xml. */
    static Path checkoutRoot() {
        Path here;
        try {
            here = Path.of(DefaultModel.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
        for (Path d = here; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("models")) && Files.isRegularFile(d.resolve("pom.xml"))) return d;
        }
        return null;
    }
}
