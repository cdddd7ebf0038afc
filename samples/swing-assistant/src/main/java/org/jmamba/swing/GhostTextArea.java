package org.jmamba.swing;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import javax.swing.text.BadLocationException;
import org.fife.ui.rsyntaxtextarea.RSyntaxTextArea;

/**
 * A syntax-highlighting editor that can show a suggestion as grey "ghost" text at an offset
 * without it being part of the document. The first line is drawn after the offset; further lines
 * are drawn only when nothing but white space follows the offset (they would cover code otherwise).
 */
final class GhostTextArea extends RSyntaxTextArea {
    private static final Color GHOST = new Color(0x8a, 0x8a, 0x8a);
    private String ghost = "";
    private int ghostOffset = -1;

    GhostTextArea(int rows, int cols) {
        super(rows, cols);
    }

    /** The suggestion shown now ("" when none). */
    String ghost() {
        return ghost;
    }

    int ghostOffset() {
        return ghostOffset;
    }

    void showGhost(int offset, String text) {
        ghostOffset = offset;
        ghost = text;
        repaint();
    }

    void clearGhost() {
        if (ghost.isEmpty() && ghostOffset < 0) return;
        ghost = "";
        ghostOffset = -1;
        repaint();
    }

    /** The part of the suggestion that would be drawn (and accepted) at its offset. */
    String visibleGhost() {
        if (ghost.isEmpty() || ghostOffset < 0 || ghostOffset > getDocument().getLength()) return "";
        try {
            String after = getDocument().getText(ghostOffset, getDocument().getLength() - ghostOffset);
            if (!after.isBlank()) {
                int nl = ghost.indexOf('\n');
                return nl < 0 ? ghost : ghost.substring(0, nl);
            }
        } catch (BadLocationException e) {
            return "";
        }
        return ghost;
    }

    @Override
    protected void paintComponent(Graphics g) {
        super.paintComponent(g);
        String text = visibleGhost();
        if (text.isEmpty()) return;
        try {
            Rectangle2D at = modelToView2D(ghostOffset);
            if (at == null) return;
            Graphics2D g2 = (Graphics2D) g.create();
            g2.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g2.setFont(getFont().deriveFont(java.awt.Font.ITALIC));
            g2.setColor(GHOST);
            FontMetrics fm = g2.getFontMetrics();
            int lineHeight = getLineHeight();
            int x0 = getInsets().left + (getMargin() == null ? 0 : getMargin().left);
            String[] lines = text.replace("\t", " ".repeat(getTabSize())).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                int x = i == 0 ? (int) at.getX() : x0;
                int y = (int) at.getY() + i * lineHeight + fm.getAscent();
                g2.drawString(lines[i], x, y);
            }
            g2.dispose();
        } catch (BadLocationException e) {
            // the offset went stale between the edit and this paint: the next edit clears it
        }
    }
}
