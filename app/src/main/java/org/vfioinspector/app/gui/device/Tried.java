package org.vfioinspector.app.gui.device;

import java.util.Optional;

/**
 * What the kernel answered when the user tried a BAR: "ok" or the errno name, as the probe contract words it.
 *
 * @param mmap       mmap result, empty when not tried
 * @param mmapValue  the first dword read through the mapping ("0x010000ed"), when it was read
 * @param dmabuf     dma-buf export result, empty when not tried
 */
public record Tried(Optional<String> mmap, Optional<String> mmapValue, Optional<String> dmabuf) {
    public static final Tried NOTHING = new Tried(Optional.empty(), Optional.empty(), Optional.empty());

    public Tried withMmap(String result, String value) {
        return new Tried(Optional.of(result), Optional.ofNullable(value), dmabuf);
    }

    public Tried withDmabuf(String result) {
        return new Tried(mmap, mmapValue, Optional.of(result));
    }
}
