/** The {@code jmamba} command line. */
module org.jmamba.cli {
    requires org.jmamba;
    requires org.jmamba.quantize;
    requires org.jmamba.testkit;
    requires org.jmamba.server;
    requires org.jmamba.swing;
    requires org.jmamba.fx;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires com.fasterxml.jackson.databind;
    requires org.eclipse.jgit;

    opens org.jmamba.cli to info.picocli;
}
