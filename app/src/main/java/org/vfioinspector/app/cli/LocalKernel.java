package org.vfioinspector.app.cli;

import org.vfioinspector.bridge.kernel.Kernel;

/** The real kernel of this machine, for commands that open devices. */
final class LocalKernel {
    private LocalKernel() {
    }

    static Kernel open() {
        // Replaced by the JNA backend when it lands (wip/realkernel); list never asks for a kernel.
        throw new UnsupportedOperationException("the real-kernel backend is not built yet");
    }
}
