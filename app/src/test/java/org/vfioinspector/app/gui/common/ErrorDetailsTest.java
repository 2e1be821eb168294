package org.vfioinspector.app.gui.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.kernel.Errno;
import org.vfioinspector.bridge.kernel.KernelException;
import org.vfioinspector.bridge.kernel.SigbusException;

class ErrorDetailsTest {
    @Test
    void kernelErrorShowsOperationTargetErrnoAndRemedyButNoTrace() {
        KernelException e = new KernelException("VFIO_DEVICE_FEATURE(DMA_BUF)", "0000:00:05.0 BAR0", 22,
                "Use a page-aligned range inside the BAR.");
        ErrorDetails d = ErrorDetails.of("Export dma-buf", e);
        assertEquals("Export dma-buf failed: EINVAL", d.summary());
        assertEquals(List.of(new ErrorDetails.Row("Operation", "VFIO_DEVICE_FEATURE(DMA_BUF)"),
                new ErrorDetails.Row("Target", "0000:00:05.0 BAR0"),
                new ErrorDetails.Row("Error", "EINVAL — Invalid argument"),
                new ErrorDetails.Row("What to do", "Use a page-aligned range inside the BAR.")), d.rows());
    }

    @Test
    void sigbusIsNamedAndCarriesItsRemedy() {
        ErrorDetails d = ErrorDetails.of("Read mapping", new SigbusException("read", "0000:00:07.0 BAR0"));
        assertEquals("Read mapping failed: SIGBUS", d.summary());
        assertEquals("SIGBUS", d.rows().get(2).value());
    }

    @Test
    void errnoWithoutRemedySaysSo() {
        ErrorDetails d = ErrorDetails.of("Open", new KernelException("open", "vfio/3", Errno.EACCES));
        assertEquals("No remedy known for this error.", d.rows().get(3).value());
    }
}
