package org.vfioinspector.bridge.session;

import org.vfioinspector.bridge.kernel.Kernel;

/** Hands the package-private scripted kernel to tests in other packages. */
public final class ScriptedKernelAccess {
    private final ScriptedKernel kernel = new ScriptedKernel();

    public Kernel kernel() {
        return kernel;
    }

    public void noReset() {
        kernel.canReset = false;
    }
}
