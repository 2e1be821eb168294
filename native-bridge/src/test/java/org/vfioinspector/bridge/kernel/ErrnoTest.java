package org.vfioinspector.bridge.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** errno numbers and names (asm-generic, x86-64 and arm64), and how a KernelException reports them. */
class ErrnoTest {
    @Test
    void numbersAreTheKernels() {
        int[][] table = {{1, 0}, {2, 0}, {5, 0}, {9, 0}, {12, 0}, {13, 0}, {14, 0}, {16, 0}, {19, 0}, {22, 0},
                {24, 0}, {25, 0}, {75, 0}, {95, 0}};
        String[] names = {"EPERM", "ENOENT", "EIO", "EBADF", "ENOMEM", "EACCES", "EFAULT", "EBUSY", "ENODEV",
                "EINVAL", "EMFILE", "ENOTTY", "EOVERFLOW", "EOPNOTSUPP"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(names[i], Errno.of(table[i][0]).name());
            assertEquals(table[i][0], Errno.valueOf(names[i]).number());
            assertEquals(names[i], Errno.nameOf(table[i][0]));
        }
        assertNull(Errno.of(123));
        assertEquals("errno 123", Errno.nameOf(123));
    }

    @Test
    void exceptionCarriesOperationTargetErrnoAndRemedy() {
        KernelException e = new KernelException("VFIO_DEVICE_GET_REGION_INFO", "0000:00:03.0 region 8", 22, null);
        assertEquals("VFIO_DEVICE_GET_REGION_INFO on 0000:00:03.0 region 8: EINVAL (Invalid argument)", e.getMessage());
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.remedy().isEmpty());
        KernelException r = e.withRemedy("do this");
        assertEquals("do this", r.remedy().orElseThrow());
        assertEquals(22, r.errno());
        SigbusException s = new SigbusException("mmap read", "x");
        assertEquals("SIGBUS", s.errnoName());
        assertEquals(0, s.errno());
    }
}
