package org.vfioinspector.bridge.lab;

import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.rules.RevocationRules;
import org.vfioinspector.bridge.rules.Verdict;

/**
 * The sysfs writes the lab models: vfio-pci's {@code bind} and {@code unbind}. An unbind of a device still in use
 * (open fds, mmaps, dma-bufs: each holds a registration) blocks in vfio_unregister_group_dev — "No device request
 * channel registered, blocked until released by user" (facts §9) — so the model answers BLOCKED and completes the
 * unbind when the last user closes the device ({@link LabDevice#close()}). A bind takes a device without a driver.
 */
final class LabSysfs {
    static final String UNBIND = "bus/pci/drivers/vfio-pci/unbind";
    static final String BIND = "bus/pci/drivers/vfio-pci/bind";

    private LabSysfs() {
    }

    static void write(LabState state, String sysPath, String value) throws KernelException {
        String bdfText = value.trim();
        if (sysPath.equals(UNBIND)) {
            LabDevice d = state.deviceOrEnodev(bdfText, sysPath);
            if (!d.vfio()) {
                throw new KernelException("write " + sysPath, bdfText, Errno.ENODEV);
            }
            Verdict v = RevocationRules.unbind(d.openCount, (int) d.liveMmaps(), d.dmabufs.size());
            if (v.refused()) {
                d.unbindPending = true;
                state.pending.add("unbind " + d.bdf());
                throw KernelException.blocked("write " + sysPath, bdfText, v.rule().describe());
            }
            d.driver = null;
            d.cdev = null;
            return;
        }
        if (sysPath.equals(BIND)) {
            LabDevice d = state.deviceOrEnodev(bdfText, sysPath);
            if (d.driver != null) {
                throw new KernelException("write " + sysPath, bdfText, Errno.EBUSY);
            }
            d.driver = "vfio-pci";
            state.assignCdev(d);
            return;
        }
        throw new KernelException("write", sysPath, Errno.EACCES.number(), "the lab models vfio-pci bind/unbind only");
    }
}
