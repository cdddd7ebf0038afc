package org.jmamba.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.ignore.IgnoreNode;

/**
 * The text files {@code jmamba ingest} reads: files named on the command line, and the files under
 * folders named there, in name order, without {@code .git} folders, what the folder's top-level
 * {@code .gitignore} ignores, binary files, and what the include/exclude globs leave out. A glob
 * without a '/' matches file names at any depth; one with a '/' matches the path relative to the
 * folder.
 */
final class SourceFiles {
    /** A text file to ingest: its name in the prompt and its content. */
    record SourceFile(String name, Path path, String text) {}

    /** What the walk found. */
    record Result(List<SourceFile> files, int skippedBinary, int skippedIgnored) {}

    private final List<PathMatcher> includes = new ArrayList<>();
    private final List<PathMatcher> excludes = new ArrayList<>();
    private final List<Boolean> includeHasSlash = new ArrayList<>();
    private final List<Boolean> excludeHasSlash = new ArrayList<>();
    private int binary, ignored;

    SourceFiles(List<String> include, List<String> exclude) {
        for (String g : include) {
            includes.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            includeHasSlash.add(g.contains("/"));
        }
        for (String g : exclude) {
            excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            excludeHasSlash.add(g.contains("/"));
        }
    }

    /**
     * Reads every file under the given paths.
     *
     * @throws NoSuchFileException for a path that does not exist
     * @throws IOException naming the file that cannot be read
     */
    Result collect(List<Path> roots) throws IOException {
        for (Path root : roots) {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(root.toString());
        }
        List<SourceFile> out = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) walk(root, out);
            else addFile(root, root.toString(), root.getFileName(), out, true);
        }
        return new Result(out, binary, ignored);
    }

    private void walk(Path root, List<SourceFile> out) throws IOException {
        IgnoreNode gitignore = new IgnoreNode();
        Path rules = root.resolve(".gitignore");
        if (Files.isRegularFile(rules)) {
            try (InputStream in = Files.newInputStream(rules)) {
                gitignore.parse(rules.toString(), in);
            }
        }
        String prefix = root.normalize().toString();
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(root)) return FileVisitResult.CONTINUE;
                String rel = slashed(root.relativize(dir));
                if (dir.getFileName().toString().equals(".git") || Boolean.TRUE.equals(gitignore.checkIgnored(rel, true))) {
                    ignored++;
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!attrs.isRegularFile()) return FileVisitResult.CONTINUE; // links, devices, sockets
                if (Boolean.TRUE.equals(gitignore.checkIgnored(slashed(root.relativize(file)), false))) {
                    ignored++;
                    return FileVisitResult.CONTINUE;
                }
                files.add(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                throw new IOException(file + ": cannot be read (" + e.getMessage() + ")", e);
            }
        });
        files.sort((a, b) -> slashed(root.relativize(a)).compareTo(slashed(root.relativize(b))));
        for (Path f : files) {
            Path rel = root.relativize(f);
            addFile(f, prefix.equals(".") ? slashed(rel) : prefix + "/" + slashed(rel), rel, out, false);
        }
    }

    private static String slashed(Path p) {
        return p.toString().replace('\\', '/');
    }

    private boolean selected(Path rel) {
        if (!includes.isEmpty() && !matchesAny(includes, includeHasSlash, rel)) return false;
        return !matchesAny(excludes, excludeHasSlash, rel);
    }

    private static boolean matchesAny(List<PathMatcher> globs, List<Boolean> hasSlash, Path rel) {
        for (int i = 0; i < globs.size(); i++) {
            Path target = hasSlash.get(i) ? rel : rel.getFileName();
            if (globs.get(i).matches(target)) return true;
        }
        return false;
    }

    private void addFile(Path file, String name, Path rel, List<SourceFile> out, boolean named) throws IOException {
        if (!named && !selected(rel)) {
            ignored++;
            return;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        String text = textOf(bytes);
        if (text == null) {
            binary++;
            return;
        }
        out.add(new SourceFile(name, file, text));
    }

    /** The bytes as UTF-8 text, or null when they look binary (a NUL byte, or not UTF-8). */
    static String textOf(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** How each file is introduced in the prompt: its name on a line of its own, then its text. */
    static String prompt(List<SourceFile> files) {
        StringBuilder sb = new StringBuilder();
        for (SourceFile f : files) {
            sb.append("File: ").append(f.name()).append('\n').append(f.text());
            if (!f.text().endsWith("\n")) sb.append('\n');
            sb.append('\n');
        }
        return sb.toString();
    }
}
