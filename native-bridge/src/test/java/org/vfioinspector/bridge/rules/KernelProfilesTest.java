package org.vfioinspector.bridge.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelProfilesTest {
    /** The profiles read as Jackson's YAML mapper read them before (the oracle): the same records. */
    @Test
    void everyProfileReadsAsJacksonReadIt() throws Exception {
        ObjectMapper jackson = new ObjectMapper(new YAMLFactory());
        assertEquals(KernelProfiles.NAMES.size(), KernelProfiles.all().size());
        for (KernelProfile p : KernelProfiles.all()) {
            try (InputStream in = KernelProfiles.class.getResourceAsStream("profiles/" + p.name() + ".yaml")) {
                assertEquals(jackson.readValue(in, KernelProfile.class), p, p.name());
            }
        }
    }

    @Test
    void aMissingSwitchIsFalseAndAWrongFieldIsNamed() {
        Map<String, Object> fields = new HashMap<>(Map.of("name", "linux-9.9", "release", "9.9.0", "dmaBuf", true,
                "commits", List.of("5d74781ebc86")));
        KernelProfile p = KernelProfiles.profile("profiles/x.yaml", fields);
        assertTrue(p.dmaBuf());
        assertEquals(false, p.cdev());
        assertEquals("none", p.pinnedImporters());

        fields.put("dmabuf", true);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KernelProfiles.profile("profiles/x.yaml", fields));
        assertEquals("profiles/x.yaml: unknown field(s) [dmabuf]", e.getMessage());
        fields.remove("dmabuf");

        fields.put("release", 9.9);
        e = assertThrows(IllegalStateException.class, () -> KernelProfiles.profile("profiles/x.yaml", fields));
        assertEquals("profiles/x.yaml: release is 9.9; expected a string (quote numbers)", e.getMessage());
        fields.put("release", "9.9.0");

        fields.put("commits", List.of(1234));
        e = assertThrows(IllegalStateException.class, () -> KernelProfiles.profile("profiles/x.yaml", fields));
        assertTrue(e.getMessage().endsWith("expected a list of strings (quote an id of digits only)"), e.getMessage());
        fields.put("commits", List.of());

        fields.remove("name");
        e = assertThrows(IllegalStateException.class, () -> KernelProfiles.profile("profiles/x.yaml", fields));
        assertEquals("profiles/x.yaml: name is missing", e.getMessage());
        fields.put("name", "linux-9.9");

        fields.put("pinnedImporters", "sometimes");
        e = assertThrows(IllegalStateException.class, () -> KernelProfiles.profile("profiles/x.yaml", fields));
        assertEquals("profiles/x.yaml: pinnedImporters must be attach, pin or none, not sometimes", e.getMessage());
    }
}
