package org.jmamba.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jmamba.gguf.GgmlType;
import org.junit.jupiter.api.Test;

class FileTypeTest {

    /** A one-type file (what random-model writes) carries the number quantize gives that type's plain mix. */
    @Test
    void mostlyFileTypeOfEveryTypeIsTheFileTypeOfItsPlainMix() {
        for (GgmlType t : GgmlType.values()) {
            String mix = switch (t) {
                case Q3_K, Q4_K, Q5_K -> t.name() + "_S";
                default -> t.name();
            };
            int expected = FileType.byName(mix).map(FileType::llamaFtype).orElse(-1);
            assertEquals(expected, t.mostlyFileType(), t.name());
        }
    }
}
