package org.jmamba.fx;

import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.parser.Parser;

/**
 * Markdown as JavaFX nodes (parsed by commonmark): paragraphs and headings as text flows with bold,
 * italic and inline code; lists; quotes; and code blocks in a monospace box with a Copy button that
 * puts the code on the clipboard. A reply being streamed is rendered again as it grows: an open
 * code fence is simply a code block that is not finished yet.
 */
final class MarkdownView {
    private static final Parser PARSER = Parser.builder().build();

    private MarkdownView() {}

    static VBox render(String markdown) {
        VBox box = new VBox(6);
        box.getStyleClass().add("markdown");
        PARSER.parse(markdown).accept(new AbstractVisitor() {
            @Override public void visit(Paragraph p) { box.getChildren().add(inline(p, "")); }
            @Override public void visit(Heading h) { box.getChildren().add(inline(h, "-fx-font-weight: bold; -fx-font-size: " + (22 - 2 * h.getLevel()) + "px;")); }
            @Override public void visit(FencedCodeBlock c) { box.getChildren().add(codeBlock(c.getLiteral(), c.getInfo())); }
            @Override public void visit(IndentedCodeBlock c) { box.getChildren().add(codeBlock(c.getLiteral(), "")); }
            @Override public void visit(BulletList l) { box.getChildren().add(list(l, false)); }
            @Override public void visit(OrderedList l) { box.getChildren().add(list(l, true)); }
            @Override public void visit(BlockQuote q) {
                VBox inner = new VBox(4);
                for (org.commonmark.node.Node n = q.getFirstChild(); n != null; n = n.getNext()) inner.getChildren().add(inline(n, "-fx-fill: #555;"));
                inner.setStyle("-fx-border-color: transparent transparent transparent #bbb; -fx-border-width: 0 0 0 3; -fx-padding: 0 0 0 8;");
                box.getChildren().add(inner);
            }
        });
        return box;
    }

    private static Node list(org.commonmark.node.ListBlock l, boolean ordered) {
        VBox items = new VBox(2);
        int n = ordered ? ((OrderedList) l).getMarkerStartNumber() == null ? 1 : ((OrderedList) l).getMarkerStartNumber() : 0;
        for (org.commonmark.node.Node item = l.getFirstChild(); item != null; item = item.getNext()) {
            if (!(item instanceof ListItem)) continue;
            TextFlow flow = new TextFlow(new Text(ordered ? (n++) + ". " : "• "));
            for (org.commonmark.node.Node c = item.getFirstChild(); c != null; c = c.getNext()) {
                flow.getChildren().addAll(inline(c, "").getChildren());
            }
            items.getChildren().add(flow);
        }
        items.setPadding(new Insets(0, 0, 0, 12));
        return items;
    }

    /** A block's inline content as one text flow. */
    private static TextFlow inline(org.commonmark.node.Node block, String style) {
        TextFlow flow = new TextFlow();
        block.accept(new AbstractVisitor() {
            private String bold = "", italic = "";

            @Override public void visit(org.commonmark.node.Text t) { add(t.getLiteral(), ""); }
            @Override public void visit(Code c) { add(c.getLiteral(), "-fx-font-family: monospace;"); }
            @Override public void visit(SoftLineBreak b) { add(" ", ""); }
            @Override public void visit(HardLineBreak b) { add("\n", ""); }
            @Override public void visit(StrongEmphasis e) {
                bold = "-fx-font-weight: bold;";
                visitChildren(e);
                bold = "";
            }
            @Override public void visit(Emphasis e) {
                italic = "-fx-font-style: italic;";
                visitChildren(e);
                italic = "";
            }
            @Override public void visit(FencedCodeBlock c) { add(c.getLiteral(), "-fx-font-family: monospace;"); }

            private void add(String s, String extra) {
                Text t = new Text(s);
                t.setStyle(style + bold + italic + extra);
                flow.getChildren().add(t);
            }
        });
        return flow;
    }

    private static Node codeBlock(String code, String info) {
        String text = code.endsWith("\n") ? code.substring(0, code.length() - 1) : code;
        Label lang = new Label(info == null || info.isBlank() ? "code" : info.strip());
        lang.setStyle("-fx-text-fill: #666; -fx-font-size: 11px;");
        Button copy = new Button("Copy");
        copy.getStyleClass().add("copy-code");
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(text);
            Clipboard.getSystemClipboard().setContent(content);
            copy.setText("Copied");
        });
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(6, lang, spacer, copy);
        Label body = new Label(text);
        body.getStyleClass().add("code-block");
        body.setStyle("-fx-font-family: monospace; -fx-font-size: 13px;");
        body.setWrapText(false);
        VBox block = new VBox(4, header, body);
        block.setStyle("-fx-background-color: #f4f4f4; -fx-background-radius: 6; -fx-padding: 8;");
        block.setUserData(text);
        return block;
    }
}
