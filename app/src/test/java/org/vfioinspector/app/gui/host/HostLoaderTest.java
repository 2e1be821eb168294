package org.vfioinspector.app.gui.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.jna.JnaKernel;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostPaths;

/** This machine gets its real kernel behind the try-it actions; a snapshot never has one. */
class HostLoaderTest {
    @Test
    void thisMachineIsBackedByTheRealKernelOverItsOwnPaths() throws Exception {
        List<HostPaths> asked = new ArrayList<>();
        HostLoader loader = new HostLoader(PciIds::loadDefault, p -> {
            asked.add(p);
            return new JnaKernel(p);
        });
        LoadedHost h = loader.load(new HostChoice.Live());
        try {
            assertTrue(h.kernel().isPresent(), h.noKernelWhy());
            assertFalse(h.isLab(), "a real host: state-changing actions ask first");
            assertEquals("", h.noKernelWhy());
            assertEquals(1, asked.size());
            assertSame(h.kernel().get(), h.handle().orElseThrow().kernel().orElseThrow(),
                    "the host handle owns the kernel (closed when another host opens)");
            assertTrue(h.kernel().get().describe().startsWith("Linux "), h.kernel().get().describe());
        } finally {
            h.handle().ifPresent(x -> x.close());
        }
    }

    @Test
    void aKernelBackendThatCannotLoadLeavesTheListingAndSaysWhy() throws Exception {
        HostLoader loader = new HostLoader(PciIds::loadDefault, p -> {
            throw new UnsatisfiedLinkError("libjnidispatch.so: cannot open shared object file");
        });
        LoadedHost h = loader.load(new HostChoice.Live());
        assertTrue(h.kernel().isEmpty());
        assertTrue(h.noKernelWhy().contains("libjnidispatch.so"), h.noKernelWhy());
        assertFalse(h.tracing().available());
        assertTrue(h.inventory() != null);
    }

    @Test
    void aSnapshotHasNoKernel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        Kernel[] made = new Kernel[1];
        HostLoader loader = new HostLoader(PciIds::loadDefault, p -> {
            made[0] = new JnaKernel(p);
            return made[0];
        });
        java.nio.file.Path snap = org.vfioinspector.app.gui.GuiFixtures.snapshot(tmp);
        LoadedHost h = loader.load(new HostChoice.Snapshot(snap));
        assertTrue(h.kernel().isEmpty());
        assertTrue(h.noKernelWhy().contains("read-only"), h.noKernelWhy());
        assertEquals(null, made[0]);
    }
}
