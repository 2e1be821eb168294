package org.vfioinspector.bridge.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.HostScanner;

/** A lab host's tree lives in memory, nowhere on disk; released after a scan, it is made again when asked for. */
class HostTreeTest {
    @Test
    void aLabHostsTreeIsInMemoryAndComesBackAfterRelease() throws Exception {
        Host h = Host.lab("qemu-q35");
        try {
            Path sys = h.paths().sys();
            assertEquals("/lab/qemu-q35/sys", sys.toString());
            assertTrue(sys.getFileSystem() != java.nio.file.FileSystems.getDefault(), "not on disk");
            var first = new HostScanner(h.paths(), PciIds.empty()).scan();
            h.releaseTree();
            assertFalse(sys.getFileSystem().isOpen(), "the scanned tree is dropped");
            Path again = h.paths().sys();
            assertNotSame(sys.getFileSystem(), again.getFileSystem());
            assertTrue(Files.isDirectory(again.resolve("bus/pci/devices")));
            assertEquals(first, new HostScanner(h.paths(), PciIds.empty()).scan(), "the same host, generated again");
            h.close();
            assertFalse(again.getFileSystem().isOpen(), "closing the host drops its tree");
        } finally {
            h.close();
        }
    }
}
