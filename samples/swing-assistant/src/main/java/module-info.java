/** A Swing code editor with as-you-type completion from a local model. */
module org.jmamba.swing {
    requires org.jmamba;
    requires java.desktop;
    requires org.fife.RSyntaxTextArea;
    requires com.formdev.flatlaf;

    exports org.jmamba.swing;
}
