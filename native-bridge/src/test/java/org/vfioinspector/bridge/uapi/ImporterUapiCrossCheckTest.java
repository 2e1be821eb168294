package org.vfioinspector.bridge.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * Compiles a program against the test importer module's own header (kernel-lab/importer/vfioinsp_importer.h) and
 * holds {@link ImporterUapi}'s sizes, offsets and ioctl numbers to what it prints; then encodes an ATTACH with the
 * Java side and has C decode it, so the devfn packing is the kernel's PCI_DEVFN too.
 */
class ImporterUapiCrossCheckTest {
    static final Path HEADER = Path.of("..", "kernel-lab", "importer", "vfioinsp_importer.h").toAbsolutePath()
            .normalize();

    @TempDir
    Path tmp;

    @Test
    void javaMatchesTheModulesHeader() throws Exception {
        assertTrue(Files.isReadable(HEADER), "the module's header is missing: " + HEADER);
        byte[] attach = ImporterUapi.AttachArg.request(7, PciAddress.parse("0001:02:1f.5"));
        StringBuilder hex = new StringBuilder();
        for (byte b : attach) {
            hex.append(String.format("%02x", b & 0xff));
        }
        String c = "#include <stdio.h>\n#include <stddef.h>\n#include <string.h>\n#include \"" + HEADER + "\"\n"
                + "#define P(s, f) printf(\"offsetof.\" #s \".\" #f \" %zu\\n\", offsetof(struct s, f))\n"
                + "int main(void) {\n"
                + "  printf(\"sizeof.attach %zu\\nsizeof.map %zu\\nsizeof.id %zu\\nsizeof.status %zu\\n\",\n"
                + "    sizeof(struct vfioinsp_importer_attach), sizeof(struct vfioinsp_importer_map),\n"
                + "    sizeof(struct vfioinsp_importer_id), sizeof(struct vfioinsp_importer_status));\n"
                + "  P(vfioinsp_importer_attach, dmabuf_fd); P(vfioinsp_importer_attach, segment);\n"
                + "  P(vfioinsp_importer_attach, bus); P(vfioinsp_importer_attach, devfn);\n"
                + "  P(vfioinsp_importer_attach, flags); P(vfioinsp_importer_attach, id);\n"
                + "  P(vfioinsp_importer_attach, dmabuf_size); P(vfioinsp_importer_attach, dmabuf_ino);\n"
                + "  P(vfioinsp_importer_map, id); P(vfioinsp_importer_map, dma_addr); P(vfioinsp_importer_map, dma_len);\n"
                + "  P(vfioinsp_importer_map, nents); P(vfioinsp_importer_map, invalidations);\n"
                + "  P(vfioinsp_importer_id, id); P(vfioinsp_importer_status, id);\n"
                + "  P(vfioinsp_importer_status, mapped); P(vfioinsp_importer_status, invalidations);\n"
                + "  printf(\"ioctl.attach %lu\\nioctl.map %lu\\nioctl.unmap %lu\\nioctl.detach %lu\\nioctl.status %lu\\n\",\n"
                + "    (unsigned long)VFIOINSP_IMPORTER_ATTACH, (unsigned long)VFIOINSP_IMPORTER_MAP,\n"
                + "    (unsigned long)VFIOINSP_IMPORTER_UNMAP, (unsigned long)VFIOINSP_IMPORTER_DETACH,\n"
                + "    (unsigned long)VFIOINSP_IMPORTER_STATUS);\n"
                + "  const char *hex = \"" + hex + "\"; struct vfioinsp_importer_attach a; unsigned char *p = (void *)&a;\n"
                + "  for (size_t i = 0; i < sizeof(a); i++) sscanf(hex + 2 * i, \"%2hhx\", &p[i]);\n"
                + "  printf(\"decoded.argsz %u\\ndecoded.fd %d\\ndecoded.segment %u\\ndecoded.bus %u\\n\"\n"
                + "    \"decoded.slot %u\\ndecoded.func %u\\n\", a.argsz, a.dmabuf_fd, a.segment, a.bus,\n"
                + "    (unsigned)(a.devfn >> 3), (unsigned)(a.devfn & 7)); /* PCI_SLOT, PCI_FUNC */\n"
                + "  return 0;\n}\n";
        Map<String, Long> k = run(c);
        assertEquals(ImporterUapi.AttachArg.SIZE, k.get("sizeof.attach"));
        assertEquals(ImporterUapi.MapArg.SIZE, k.get("sizeof.map"));
        assertEquals(ImporterUapi.IdArg.SIZE, k.get("sizeof.id"));
        assertEquals(ImporterUapi.StatusArg.SIZE, k.get("sizeof.status"));
        assertEquals(ImporterUapi.AttachArg.OFF_DMABUF_FD, k.get("offsetof.vfioinsp_importer_attach.dmabuf_fd"));
        assertEquals(ImporterUapi.AttachArg.OFF_SEGMENT, k.get("offsetof.vfioinsp_importer_attach.segment"));
        assertEquals(ImporterUapi.AttachArg.OFF_BUS, k.get("offsetof.vfioinsp_importer_attach.bus"));
        assertEquals(ImporterUapi.AttachArg.OFF_DEVFN, k.get("offsetof.vfioinsp_importer_attach.devfn"));
        assertEquals(ImporterUapi.AttachArg.OFF_FLAGS, k.get("offsetof.vfioinsp_importer_attach.flags"));
        assertEquals(ImporterUapi.AttachArg.OFF_ID, k.get("offsetof.vfioinsp_importer_attach.id"));
        assertEquals(ImporterUapi.AttachArg.OFF_DMABUF_SIZE, k.get("offsetof.vfioinsp_importer_attach.dmabuf_size"));
        assertEquals(ImporterUapi.AttachArg.OFF_DMABUF_INO, k.get("offsetof.vfioinsp_importer_attach.dmabuf_ino"));
        assertEquals(ImporterUapi.MapArg.OFF_ID, k.get("offsetof.vfioinsp_importer_map.id"));
        assertEquals(ImporterUapi.MapArg.OFF_DMA_ADDR, k.get("offsetof.vfioinsp_importer_map.dma_addr"));
        assertEquals(ImporterUapi.MapArg.OFF_DMA_LEN, k.get("offsetof.vfioinsp_importer_map.dma_len"));
        assertEquals(ImporterUapi.MapArg.OFF_NENTS, k.get("offsetof.vfioinsp_importer_map.nents"));
        assertEquals(ImporterUapi.MapArg.OFF_INVALIDATIONS, k.get("offsetof.vfioinsp_importer_map.invalidations"));
        assertEquals(ImporterUapi.IdArg.OFF_ID, k.get("offsetof.vfioinsp_importer_id.id"));
        assertEquals(ImporterUapi.StatusArg.OFF_ID, k.get("offsetof.vfioinsp_importer_status.id"));
        assertEquals(ImporterUapi.StatusArg.OFF_MAPPED, k.get("offsetof.vfioinsp_importer_status.mapped"));
        assertEquals(ImporterUapi.StatusArg.OFF_INVALIDATIONS,
                k.get("offsetof.vfioinsp_importer_status.invalidations"));
        assertEquals(ImporterUapi.ATTACH, k.get("ioctl.attach"));
        assertEquals(ImporterUapi.MAP, k.get("ioctl.map"));
        assertEquals(ImporterUapi.UNMAP, k.get("ioctl.unmap"));
        assertEquals(ImporterUapi.DETACH, k.get("ioctl.detach"));
        assertEquals(ImporterUapi.STATUS, k.get("ioctl.status"));
        assertEquals(40L, k.get("decoded.argsz"));
        assertEquals(7L, k.get("decoded.fd"));
        assertEquals(1L, k.get("decoded.segment"));
        assertEquals(2L, k.get("decoded.bus"));
        assertEquals(0x1fL, k.get("decoded.slot"));
        assertEquals(5L, k.get("decoded.func"));
        assertEquals("VFIOINSP_IMPORTER_MAP", IoctlNames.name(ImporterUapi.MAP, IoctlNames.FdKind.OTHER));
    }

    private Map<String, Long> run(String source) throws Exception {
        Path src = tmp.resolve("importer.c");
        Files.writeString(src, source);
        Path exe = tmp.resolve("importer");
        String gcc = System.getenv().getOrDefault("CC", "gcc");
        Process p;
        try {
            p = new ProcessBuilder(gcc, "-Wall", "-Werror", "-o", exe.toString(), src.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return fail("gcc is required for the importer uapi cross-check and was not found: " + e.getMessage());
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gcc timed out");
        assertEquals(0, p.exitValue(), "compiling against " + HEADER + " failed:\n" + log);
        Process r = new ProcessBuilder(exe.toString()).redirectErrorStream(true).start();
        String out = new String(r.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(r.waitFor(30, TimeUnit.SECONDS));
        Map<String, Long> m = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.trim().split(" ");
            if (kv.length == 2) {
                m.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return m;
    }
}
