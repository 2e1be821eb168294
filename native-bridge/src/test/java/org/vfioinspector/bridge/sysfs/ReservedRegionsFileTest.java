package org.vfioinspector.bridge.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vfioinspector.bridge.model.ReservedRegion;

class ReservedRegionsFileTest {
    private static final String F = "kernel/iommu_groups/10/reserved_regions";

    @Test
    void parsesEveryKind() {
        String text = "0x0000000000000000 0x0000000000ffffff direct-relaxable\n"
                + "0x00000000fee00000 0x00000000feefffff msi\n"
                + "0x00000000000a0000 0x00000000000bffff direct\n"
                + "0x0000000008000000 0x00000000080fffff reserved\n";
        assertEquals(List.of(new ReservedRegion(0, 0xffffffL, "direct-relaxable"),
                new ReservedRegion(0xfee00000L, 0xfeefffffL, "msi"),
                new ReservedRegion(0xa0000L, 0xbffffL, "direct"),
                new ReservedRegion(0x8000000L, 0x80fffffL, "reserved")), ReservedRegionsFile.parse(F, text));
    }

    @Test
    void emptyFileIsNoRegions() {
        assertEquals(List.of(), ReservedRegionsFile.parse(F, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x00000000fee00000 0x00000000feefffff", "0xfee00000 msi",
        "fee00000 feefffff msi", "0x00000000fee00000 0x00000000feefffff MSI",
        "0x00000000feefffff 0x00000000fee00000 msi"})
    void malformed(String line) {
        SysfsFormatException e = assertThrows(SysfsFormatException.class,
                () -> ReservedRegionsFile.parse(F, "0x00000000fee00000 0x00000000feefffff msi\n" + line + "\n"));
        assertEquals(F, e.file());
        assertEquals(line, e.text());
        assertTrue(e.getMessage().contains(line), e.getMessage());
    }
}
