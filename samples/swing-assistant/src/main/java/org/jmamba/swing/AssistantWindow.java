package org.jmamba.swing;

import java.awt.BorderLayout;
import java.awt.event.ActionEvent;
import java.awt.event.KeyEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.swing.AbstractAction;
import javax.swing.BorderFactory;
import javax.swing.JCheckBoxMenuItem;
import javax.swing.JDialog;
import javax.swing.JFileChooser;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JOptionPane;
import javax.swing.JProgressBar;
import javax.swing.KeyStroke;
import javax.swing.SwingUtilities;
import javax.swing.Timer;
import javax.swing.event.DocumentEvent;
import javax.swing.event.DocumentListener;
import javax.swing.filechooser.FileNameExtensionFilter;
import javax.swing.text.BadLocationException;
import org.fife.ui.rsyntaxtextarea.SyntaxConstants;
import org.fife.ui.rtextarea.RTextScrollPane;
import org.jmamba.Model;
import org.jmamba.embed.LoadProgress;
import org.jmamba.embed.ModelLoader;

/**
 * The code assistant's window: an editor that asks for a completion after a pause in typing and
 * shows it as ghost text (Tab accepts, Esc dismisses, typing what it shows keeps the rest), a menu
 * to open a model with a progress dialog and to turn completion on or off, and a status bar.
 * Everything here runs on Swing's event thread; the model runs on the engine's worker.
 */
public final class AssistantWindow extends JFrame {
    /** Typing pause before a completion is asked for. */
    static final int PAUSE_MILLIS = 300;

    private final GhostTextArea editor = new GhostTextArea(30, 100);
    private final JLabel status = new JLabel(" ");
    private final JCheckBoxMenuItem completionOn = new JCheckBoxMenuItem("Complete as you type", true);
    private final Timer pause = new Timer(PAUSE_MILLIS, e -> requestCompletion());
    private CompletionEngine engine;
    private String modelName = "no model";
    private boolean applyingGhost;
    private long requestedAt;
    private long lastFirstTextMillis = -1;
    private CompletableFuture<Model> loading;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    public AssistantWindow(String initialText) {
        super("jmamba code assistant");
        pause.setRepeats(false);
        editor.setSyntaxEditingStyle(SyntaxConstants.SYNTAX_STYLE_JAVA);
        editor.setCodeFoldingEnabled(true);
        editor.setTabSize(4);
        editor.setText(initialText);
        editor.setCaretPosition(initialText.length());
        editor.getDocument().addDocumentListener(new DocumentListener() {
            @Override public void insertUpdate(DocumentEvent e) { edited(e, true); }
            @Override public void removeUpdate(DocumentEvent e) { edited(e, false); }
            @Override public void changedUpdate(DocumentEvent e) {}
        });
        editor.addCaretListener(e -> {
            if (!applyingGhost && editor.ghostOffset() >= 0 && e.getDot() != editor.ghostOffset()) dismiss();
        });
        bindKeys();

        status.setBorder(BorderFactory.createEmptyBorder(3, 8, 3, 8));
        setLayout(new BorderLayout());
        add(new RTextScrollPane(editor), BorderLayout.CENTER);
        add(status, BorderLayout.SOUTH);
        setJMenuBar(menus());
        setDefaultCloseOperation(DO_NOTHING_ON_CLOSE);
        addWindowListener(new WindowAdapter() {
            @Override public void windowClosing(WindowEvent e) { closeWindow(); }
        });
        pack();
        setLocationRelativeTo(null);
        showStatus();
    }

    private JMenuBar menus() {
        JMenuBar bar = new JMenuBar();
        JMenu file = new JMenu("File");
        JMenuItem open = new JMenuItem(new AbstractAction("Open model…") {
            @Override public void actionPerformed(ActionEvent e) { chooseModel(); }
        });
        open.setAccelerator(KeyStroke.getKeyStroke(KeyEvent.VK_O, KeyEvent.CTRL_DOWN_MASK));
        file.add(open);
        JMenuItem quit = new JMenuItem(new AbstractAction("Quit") {
            @Override public void actionPerformed(ActionEvent e) { closeWindow(); }
        });
        quit.setAccelerator(KeyStroke.getKeyStroke(KeyEvent.VK_Q, KeyEvent.CTRL_DOWN_MASK));
        file.add(quit);
        JMenu completion = new JMenu("Completion");
        completionOn.addActionListener(e -> {
            if (!completionOn.isSelected()) dismiss();
            showStatus();
        });
        completion.add(completionOn);
        bar.add(file);
        bar.add(completion);
        return bar;
    }

    private void bindKeys() {
        var im = editor.getInputMap();
        var am = editor.getActionMap();
        Object tabKey = im.get(KeyStroke.getKeyStroke(KeyEvent.VK_TAB, 0));
        javax.swing.Action plainTab = tabKey == null ? null : am.get(tabKey);
        im.put(KeyStroke.getKeyStroke(KeyEvent.VK_TAB, 0), "jmamba-accept");
        am.put("jmamba-accept", new AbstractAction() {
            @Override public void actionPerformed(ActionEvent e) {
                if (!acceptGhost() && plainTab != null) plainTab.actionPerformed(e);
            }
        });
        im.put(KeyStroke.getKeyStroke(KeyEvent.VK_ESCAPE, 0), "jmamba-dismiss");
        am.put("jmamba-dismiss", new AbstractAction() {
            @Override public void actionPerformed(ActionEvent e) { dismiss(); }
        });
    }

    /** Typing what the ghost shows keeps the rest of it; any other edit drops it and waits for a pause. */
    private void edited(DocumentEvent e, boolean insert) {
        if (applyingGhost) return;
        String ghost = editor.ghost();
        if (insert && !ghost.isEmpty() && e.getOffset() == editor.ghostOffset()) {
            try {
                String typed = editor.getDocument().getText(e.getOffset(), e.getLength());
                if (ghost.startsWith(typed) && typed.length() < ghost.length()) {
                    editor.showGhost(e.getOffset() + e.getLength(), ghost.substring(typed.length()));
                    return;
                }
            } catch (BadLocationException ignored) {
                // fall through: treat as any other edit
            }
        }
        dismiss();
        if (completionOn.isSelected()) pause.restart();
    }

    private void requestCompletion() {
        if (engine == null || !completionOn.isSelected()) return;
        int caret = editor.getCaretPosition();
        String prefix;
        try {
            prefix = editor.getDocument().getText(0, caret);
        } catch (BadLocationException e) {
            return;
        }
        if (prefix.isBlank()) return;
        requestedAt = System.nanoTime();
        lastResult = null;
        StringBuilder shown = new StringBuilder();
        boolean[] first = {true};
        engine.request(prefix, text -> {
            if (editor.getCaretPosition() != caret) return;
            if (first[0]) {
                first[0] = false;
                lastFirstTextMillis = (System.nanoTime() - requestedAt) / 1_000_000;
            }
            shown.append(text);
            editor.showGhost(caret, shown.toString());
        }, this::completed);
    }

    private void completed(CompletionEngine.Result r) {
        var st = r.stats();
        status.setText(String.format("%s  |  %.1f tokens/s  |  reused %d of %d prompt tokens  |  first text after %d ms  |  completion %s",
                modelName, st.decodeTokensPerSecond(), r.reused(), r.reused() + r.evaluated(),
                lastFirstTextMillis, completionOn.isSelected() ? "on" : "off"));
        lastResult = r;
    }

    private CompletionEngine.Result lastResult;

    /** Accepts the visible ghost text into the buffer; false if there was none. */
    boolean acceptGhost() {
        String text = editor.visibleGhost();
        if (text.isEmpty() || editor.getCaretPosition() != editor.ghostOffset()) return false;
        applyingGhost = true;
        try {
            editor.insert(text, editor.ghostOffset());
            editor.setCaretPosition(editor.ghostOffset() + text.length());
        } finally {
            applyingGhost = false;
        }
        editor.clearGhost();
        if (engine != null) engine.dismiss();
        if (completionOn.isSelected()) pause.restart();
        return true;
    }

    void dismiss() {
        editor.clearGhost();
        if (engine != null) engine.dismiss();
    }

    private void showStatus() {
        status.setText(modelName + "  |  completion " + (completionOn.isSelected() ? "on" : "off"));
    }

    private void chooseModel() {
        JFileChooser chooser = new JFileChooser();
        chooser.setDialogTitle("Open a GGUF model");
        chooser.setFileFilter(new FileNameExtensionFilter("GGUF models", "gguf"));
        chooser.setAcceptAllFileFilterUsed(true);
        if (chooser.showOpenDialog(this) == JFileChooser.APPROVE_OPTION) openModel(chooser.getSelectedFile().toPath());
    }

    /** Loads a model in the background with a progress dialog; the window stays usable meanwhile. */
    public void openModel(Path path) {
        if (loading != null && !loading.isDone()) loading.cancel(true);
        JDialog dialog = new JDialog(this, "Loading " + path.getFileName(), false);
        JProgressBar bar = new JProgressBar(0, 1000);
        bar.setStringPainted(true);
        dialog.add(bar);
        dialog.getRootPane().setBorder(BorderFactory.createEmptyBorder(12, 12, 12, 12));
        dialog.setSize(420, 90);
        dialog.setLocationRelativeTo(this);
        dialog.setVisible(true);
        CompletableFuture<Model> f = ModelLoader.load(path, Model.Options.defaults(), SwingUtilities::invokeLater, p -> {
            bar.setValue((int) (p.fraction() * 1000));
            bar.setString(p.stage() == LoadProgress.Stage.READING
                    ? String.format("reading %d of %d MiB", p.bytesRead() >> 20, p.bytesTotal() >> 20)
                    : p.stage() == LoadProgress.Stage.PREPARING ? "preparing the weights" : "done");
        });
        loading = f;
        f.whenComplete((model, error) -> SwingUtilities.invokeLater(() -> {
            dialog.dispose();
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (!(cause instanceof java.util.concurrent.CancellationException)) {
                    JOptionPane.showMessageDialog(this, "Cannot open " + path.getFileName() + ":\n" + cause.getMessage(),
                            "Cannot open the model", JOptionPane.ERROR_MESSAGE);
                }
                return;
            }
            CompletionEngine old = engine;
            engine = new CompletionEngine(model);
            modelName = path.getFileName().toString();
            dismiss();
            showStatus();
            if (old != null) new Thread(old::close, "jmamba-close-model").start();
        }));
    }

    /** Stops any generation, frees the model, then ends the application. */
    void closeWindow() {
        pause.stop();
        if (loading != null) loading.cancel(true);
        CompletionEngine e = engine;
        engine = null;
        if (e != null) e.close();
        dispose();
        closed.complete(null);
    }

    /** Completes once the window has been closed and its model freed. */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    // -- for tests and the benchmark --
    GhostTextArea editor() {
        return editor;
    }

    CompletionEngine engine() {
        return engine;
    }

    CompletionEngine.Result lastResult() {
        return lastResult;
    }

    long lastFirstTextMillis() {
        return lastFirstTextMillis;
    }

    String statusText() {
        return status.getText();
    }
}
