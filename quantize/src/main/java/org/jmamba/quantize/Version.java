package org.jmamba.quantize;

/** The version the tools write into the files they produce. */
public final class Version {
    private Version() {}

    /** This build's version. */
    public static final String VERSION = version();

    /** The tool's name and version, the value of {@code general.quantized_by} and {@code jmamba.version}. */
    public static String tool() {
        return "jmamba " + VERSION;
    }

    private static String version() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0";
    }
}
