package org.jmamba.fx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToolBar;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.State;
import org.jmamba.chat.ChatMessage;
import org.jmamba.chat.ChatTemplate;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.embed.BackgroundGeneration;
import org.jmamba.generate.Chat;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import org.jmamba.sampling.SamplerConfig;

/**
 * The chat window: conversations in a side list, the open one's messages (replies as Markdown,
 * streamed), an input with Send and Stop, and the temperature and reply length. The open
 * conversation owns a session; its state is saved after each reply, so reopening it later goes on
 * from there without reading the conversation again. The model runs on worker threads only.
 */
public final class ChatWindow {
    private static final ChatTemplate TEMPLATE = MistralInstruct.v3();

    private final Model model;
    private final ConversationStore store;
    private final Stage stage;
    private final ListView<ConversationStore.Conversation> list = new ListView<>();
    private final VBox messages = new VBox(10);
    private final ScrollPane scroll = new ScrollPane(messages);
    private final TextArea input = new TextArea();
    private final Button send = new Button("Send");
    private final Button stop = new Button("Stop");
    private final Slider temperature = new Slider(0, 2, 0.7);
    private final Spinner<Integer> maxTokens = new Spinner<>(1, 1_000_000, 256, 64);
    private final Label status = new Label();
    /** Loading and saving states: never on the FX thread, never beside a generation. */
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jmamba-fx-io");
        t.setDaemon(true);
        return t;
    });
    private ConversationStore.Conversation open;
    private Session session;
    private Chat chat;
    private BackgroundGeneration running;
    /** The last reply's save: the next message waits for it (a snapshot and a generation cannot share the session). */
    private CompletableFuture<Void> saving = CompletableFuture.completedFuture(null);

    /** A conversation's session and chat, made off the FX thread. */
    private record Opened(Session session, Chat chat) {}

    public ChatWindow(Stage stage, Model model, ConversationStore store) {
        this.stage = stage;
        this.model = model;
        this.store = store;
        stage.setTitle("jmamba chat — " + model.path().getFileName());
        stage.setScene(new Scene(layout(), 1000, 700));
        stage.setOnCloseRequest(e -> close());
        try {
            list.getItems().setAll(store.list());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        list.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null && now != open) openConversation(now);
        });
        if (list.getItems().isEmpty()) newConversation();
        else list.getSelectionModel().selectFirst();
    }

    private BorderPane layout() {
        Button newChat = new Button("New chat");
        newChat.setMaxWidth(Double.MAX_VALUE);
        newChat.setOnAction(e -> newConversation());
        VBox left = new VBox(6, newChat, list);
        VBox.setVgrow(list, Priority.ALWAYS);
        left.setPadding(new Insets(8));
        left.setPrefWidth(220);

        messages.setPadding(new Insets(12));
        scroll.setFitToWidth(true);
        messages.heightProperty().addListener((o, a, b) -> scroll.setVvalue(1));

        input.setId("input");
        send.setId("send");
        stop.setId("stop");
        maxTokens.setId("max-tokens");
        temperature.setId("temperature");
        list.setId("conversations");
        input.setPromptText("Message (Enter sends, Shift+Enter for a new line)");
        input.setPrefRowCount(3);
        input.setWrapText(true);
        input.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER && !e.isShiftDown()) {
                e.consume();
                sendMessage();
            }
        });
        send.setDefaultButton(false);
        send.setOnAction(e -> sendMessage());
        stop.setOnAction(e -> stopReply());
        stop.setDisable(true);
        VBox buttons = new VBox(6, send, stop);
        send.setMaxWidth(Double.MAX_VALUE);
        stop.setMaxWidth(Double.MAX_VALUE);
        HBox bottom = new HBox(8, input, buttons);
        HBox.setHgrow(input, Priority.ALWAYS);
        bottom.setPadding(new Insets(8));

        Label tempValue = new Label();
        tempValue.textProperty().bind(temperature.valueProperty().asString("%.2f"));
        temperature.setPrefWidth(140);
        maxTokens.setEditable(true);
        maxTokens.setPrefWidth(110);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        ToolBar top = new ToolBar(new Label("Temperature"), temperature, tempValue, new Label("  Max tokens"), maxTokens,
                spacer, status);

        BorderPane root = new BorderPane(scroll, top, null, bottom, left);
        BorderPane.setAlignment(status, Pos.CENTER_RIGHT);
        return root;
    }

    private void newConversation() {
        try {
            ConversationStore.Conversation c = store.create();
            list.getItems().addFirst(c);
            list.getSelectionModel().select(c);
        } catch (IOException e) {
            error("Cannot create a conversation", e);
        }
    }

    /** Opens a conversation: its messages shown, its session restored from its state file (not re-read). */
    private void openConversation(ConversationStore.Conversation c) {
        stopReply();
        ConversationStore.Conversation previous = open;
        Session old = session;
        open = c;
        session = null;
        chat = null;
        setBusy(true);
        messages.getChildren().clear();
        for (ChatMessage m : c.messages) messages.getChildren().add(bubble(m.role(), m.content()));
        status.setText("opening…");
        CompletableFuture.supplyAsync(() -> {
            if (old != null) old.close();
            Session s = model.newSession();
            Chat ch = new Chat(s, model.tokenizer(), TEMPLATE);
            try {
                if (c.hasState()) {
                    try (State st = State.load(c.stateFile(), model)) {
                        ch.restore(st); // the session takes the state; the next message opens a new turn after it
                    }
                }
                return new Opened(s, ch);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
        }, io).whenComplete((opened, err) -> Platform.runLater(() -> {
            if (open != c) {
                if (opened != null) io.execute(opened.session()::close);
                return;
            }
            Opened o = opened;
            if (err != null) {
                error("Cannot reopen \"" + c.title + "\" (its saved state is refused); it starts afresh", err);
                Session fresh = model.newSession();
                o = new Opened(fresh, new Chat(fresh, model.tokenizer(), TEMPLATE));
            }
            session = o.session();
            chat = o.chat();
            long restored = session.position();
            status.setText(restored > 0 ? "restored " + restored + " tokens, none re-read" : "new conversation");
            setBusy(false);
        }));
        if (previous != null) list.refresh();
    }

    private void sendMessage() {
        String text = input.getText().strip();
        if (text.isEmpty() || chat == null || running != null || !saving.isDone()) return;
        input.clear();
        ConversationStore.Conversation c = open;
        if (c.messages.isEmpty()) {
            c.title = text.length() > 40 ? text.substring(0, 40) + "…" : text;
            list.refresh();
        }
        c.messages.add(ChatMessage.user(text));
        messages.getChildren().add(bubble(ChatMessage.Role.USER, text));
        VBox reply = bubble(ChatMessage.Role.ASSISTANT, "");
        messages.getChildren().add(reply);
        StringBuilder acc = new StringBuilder();
        SamplerConfig sampler = temperature.getValue() < 0.01 ? SamplerConfig.greedy()
                : SamplerConfig.defaults().withTemperature((float) temperature.getValue());
        GenerationOptions options = new GenerationOptions(maxTokens.getValue(), sampler, List.of(), true);
        setBusy(true);
        stop.setDisable(false);
        status.setText("generating…");
        running = BackgroundGeneration.send(chat, text, options, Platform::runLater, batch -> {
            acc.append(batch);
            setContent(reply, acc.toString());
        });
        BackgroundGeneration g = running;
        g.done().whenComplete((stats, err) -> Platform.runLater(() -> replyEnded(c, g, acc, stats, err)));
    }

    private void replyEnded(ConversationStore.Conversation c, BackgroundGeneration g, StringBuilder acc,
            GenerationStats stats, Throwable err) {
        if (running == g) running = null;
        stop.setDisable(true);
        if (err != null) {
            error("The reply failed", err);
            setBusy(false);
            return;
        }
        c.messages.add(ChatMessage.assistant(acc.toString().strip()));
        status.setText(String.format("%d tokens, %.1f tokens/s%s", stats.generatedTokens(), stats.decodeTokensPerSecond(),
                stats.stopReason() == org.jmamba.generate.StopReason.CANCELLED ? ", stopped" : ""));
        Session s = session;
        CompletableFuture<Void> saved = CompletableFuture.runAsync(() -> save(c, s), io);
        saving = saved;
        saved.whenComplete((v, e) -> Platform.runLater(() -> {
            if (open == c && saving == saved) setBusy(false);
        }));
    }

    /** Writes the conversation's messages and its session's state (both through a temp file and a rename). */
    private void save(ConversationStore.Conversation c, Session s) {
        try {
            store.saveMessages(c);
            if (s != null && !s.isClosed()) {
                try (State st = s.snapshot()) {
                    st.save(c.stateFile());
                }
            }
        } catch (IOException | RuntimeException e) {
            Platform.runLater(() -> error("Cannot save \"" + c.title + "\"", e));
        }
    }

    private void stopReply() {
        BackgroundGeneration g = running;
        if (g != null) g.cancel();
    }

    private void setBusy(boolean busy) {
        send.setDisable(busy);
        input.setDisable(false);
    }

    private static VBox bubble(ChatMessage.Role role, String text) {
        VBox b = new VBox(4);
        Label who = new Label(role == ChatMessage.Role.USER ? "You" : "Assistant");
        who.setStyle("-fx-font-weight: bold; -fx-text-fill: " + (role == ChatMessage.Role.USER ? "#1d5fbf" : "#2e7d32") + ";");
        b.getChildren().add(who);
        b.getStyleClass().add(role == ChatMessage.Role.USER ? "user-message" : "assistant-message");
        b.setStyle("-fx-background-color: " + (role == ChatMessage.Role.USER ? "#eef4ff" : "white")
                + "; -fx-background-radius: 8; -fx-padding: 10; -fx-border-color: #e2e2e2; -fx-border-radius: 8;");
        setContent(b, text);
        return b;
    }

    private static void setContent(VBox bubble, String markdown) {
        if (bubble.getChildren().size() > 1) bubble.getChildren().remove(1);
        bubble.getChildren().add(MarkdownView.render(markdown));
    }

    private void error(String what, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        Alert a = new Alert(Alert.AlertType.ERROR, what + ":\n" + cause.getMessage());
        a.setHeaderText(what);
        a.initOwner(stage);
        a.show();
    }

    /** Stops a reply in progress (waiting up to 10 s), saves, and frees the session and the model. */
    void close() {
        BackgroundGeneration g = running;
        if (g != null) {
            try {
                g.cancelAndAwait(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        io.shutdown();
        try {
            io.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (session != null) session.close();
        model.close();
    }

    // -- for tests --
    BackgroundGeneration running() {
        return running;
    }

    Session session() {
        return session;
    }

    VBox messageList() {
        return messages;
    }

    Path folder() {
        return store.root();
    }

    String statusText() {
        return status.getText();
    }

    Stage stage() {
        return stage;
    }
}
