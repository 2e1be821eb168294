package org.vfioinspector.app.cli;

import org.vfioinspector.bridge.kernel.Kernel;
import org.vfioinspector.bridge.kernel.jna.JnaKernel;

/** The real kernel of this machine, for commands that open devices. */
final class LocalKernel {
    private LocalKernel() {
    }

    static Kernel open() {
        return JnaKernel.live();
    }
}
