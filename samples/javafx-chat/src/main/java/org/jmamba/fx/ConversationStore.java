package org.jmamba.fx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jmamba.chat.ChatMessage;

/**
 * Conversations on disk, one folder each: {@code conversation.json} (title and messages, for
 * showing them) and {@code state.bin} (the session's state after the last reply, written by
 * {@link org.jmamba.State#save}: the model goes on from it without reading the conversation again).
 * Files are written to a temporary name and renamed, so a crash leaves the last complete version.
 */
final class ConversationStore {
    static final String MESSAGES = "conversation.json";
    static final String STATE = "state.bin";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What conversation.json holds. */
    record Saved(String title, long updated, List<ChatMessage> messages) {}

    /** One conversation: its folder and what it showed when last saved. */
    static final class Conversation {
        final Path folder;
        String title;
        long updated;
        final List<ChatMessage> messages = new ArrayList<>();

        Conversation(Path folder, String title, long updated) {
            this.folder = folder;
            this.title = title;
            this.updated = updated;
        }

        Path stateFile() {
            return folder.resolve(STATE);
        }

        boolean hasState() {
            return Files.isRegularFile(stateFile());
        }

        @Override
        public String toString() {
            return title;
        }
    }

    private final Path root;

    ConversationStore(Path root) throws IOException {
        this.root = Files.createDirectories(root);
    }

    Path root() {
        return root;
    }

    /** Every saved conversation, the most recently updated first. Unreadable folders are skipped. */
    List<Conversation> list() throws IOException {
        List<Conversation> all = new ArrayList<>();
        try (var dirs = Files.list(root)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Path f = d.resolve(MESSAGES);
                if (!Files.isRegularFile(f)) continue;
                try {
                    Saved s = JSON.readValue(f.toFile(), Saved.class);
                    Conversation c = new Conversation(d, s.title(), s.updated());
                    c.messages.addAll(s.messages());
                    all.add(c);
                } catch (IOException | RuntimeException e) {
                    System.err.println("jmamba fx: skipping " + d + ": " + e.getMessage());
                }
            }
        }
        all.sort(Comparator.comparingLong((Conversation c) -> c.updated).reversed());
        return all;
    }

    Conversation create() throws IOException {
        Path d = Files.createDirectories(root.resolve(UUID.randomUUID().toString()));
        Conversation c = new Conversation(d, "New chat", System.currentTimeMillis());
        saveMessages(c);
        return c;
    }

    void saveMessages(Conversation c) throws IOException {
        c.updated = System.currentTimeMillis();
        Path tmp = Files.createTempFile(c.folder, MESSAGES, ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), new Saved(c.title, c.updated, List.copyOf(c.messages)));
            try {
                Files.move(tmp, c.folder.resolve(MESSAGES), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, c.folder.resolve(MESSAGES), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
