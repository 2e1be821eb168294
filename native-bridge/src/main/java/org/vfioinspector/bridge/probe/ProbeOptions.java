package org.vfioinspector.bridge.probe;

import java.util.Map;
import org.vfioinspector.bridge.session.OpenPath;

/**
 * How to probe.
 *
 * @param revoke      run the --revoke sequence on devices that can be reset
 * @param openPath    LEGACY, CDEV or AUTO
 * @param host        what the report's "host" says (e.g. {"name": "lab:qemu-q35", "lab": true}); may be empty
 * @param release     the kernel release for "kernel.release" (null: the kernel's {@code describe()})
 * @param profile     the kernel profile name for "kernel.profile" (null when the caller has none)
 * @param syncMillis  how long to wait for live events to arrive after each --revoke step
 */
public record ProbeOptions(boolean revoke, OpenPath openPath, Map<String, Object> host, String release,
                           String profile, long syncMillis) {
    public ProbeOptions {
        host = host == null ? Map.of() : Map.copyOf(host);
        openPath = openPath == null ? OpenPath.AUTO : openPath;
    }

    public static ProbeOptions defaults() {
        return new ProbeOptions(false, OpenPath.AUTO, Map.of(), null, null, 2000);
    }

    public ProbeOptions withRevoke(boolean r) {
        return new ProbeOptions(r, openPath, host, release, profile, syncMillis);
    }
}
