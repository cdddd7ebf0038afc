/** Random Mamba-2 models with a synthetic vocabulary, and fuzz outcome counts: for tests, demos and benchmarks, not for applications. */
module org.jmamba.testkit {
    requires transitive org.jmamba;

    exports org.jmamba.testkit;
}
