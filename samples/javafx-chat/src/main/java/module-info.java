/** A JavaFX chat over a local model: conversations kept as state files, replies rendered as Markdown. */
module org.jmamba.fx {
    requires org.jmamba;
    requires javafx.controls;
    requires org.commonmark;
    requires com.fasterxml.jackson.databind;

    exports org.jmamba.fx;
    opens org.jmamba.fx to com.fasterxml.jackson.databind, javafx.graphics;
}
