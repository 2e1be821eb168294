package org.vfioinspector.bridge.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The probe's report, exactly as /work/probe-contract.md defines it (the lab kernel must produce the same). Plain
 * records; {@link ProbeJson} writes them with the contract's keys. Results are "ok" or the errno name or "SIGBUS".
 *
 * @param host    what the caller says about the host (name, lab marker, ...)
 * @param kernel  release and profile
 * @param devices one entry per target, in the order given
 */
@JsonPropertyOrder({"host", "kernel", "devices"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ProbeReport(Map<String, Object> host, KernelInfo kernel, List<Device> devices) {
    public ProbeReport {
        host = host == null ? Map.of() : Map.copyOf(host);
        devices = List.copyOf(devices);
    }

    /** {@code "kernel": {"release", "profile"}}. */
    @JsonPropertyOrder({"release", "profile"})
    public record KernelInfo(String release, String profile) {
    }

    /**
     * One device. {@code revoke} is null unless --revoke was asked; {@code note} says why it is null then.
     * {@code importer}: with --revoke, the importer attached to the first exported dma-buf for the sequence
     * ("iommufd IOAS 1, iova 0x100000000"), or "none: " and why (no export, no iommufd); null without --revoke.
     */
    @JsonPropertyOrder({"bdf", "group", "openPath", "open", "deviceFlags", "numRegions", "numIrqs", "regions",
            "importer", "revoke", "note"})
    public record Device(String bdf, int group, String openPath, String open, List<String> deviceFlags,
                         Integer numRegions, Integer numIrqs, List<Region> regions, String importer,
                         List<RevokeStep> revoke, String note) {
        /** The same device with another note. */
        public Device withNote(String newNote) {
            return new Device(bdf, group, openPath, open, deviceFlags, numRegions, numIrqs, regions, importer, revoke,
                    newNote);
        }
    }

    /** One region index 0..8. */
    @JsonPropertyOrder({"index", "regionInfo", "size", "flags", "caps", "mmap", "mmapValue", "pread", "preadValue",
            "dmabuf"})
    public record Region(int index, String regionInfo, Long size, List<String> flags, List<String> caps, String mmap,
                         String mmapValue, String pread, String preadValue, String dmabuf) {
    }

    /**
     * One --revoke step: "reset", "memory-off", "memory-on", "close". {@code importerMap}: what the kernel answered
     * when the importer mapped its attachment again after the step ("ok", "ENODEV" while revoked or for good after
     * close), null when no importer is attached.
     */
    @JsonPropertyOrder({"step", "result", "mmapRead", "pread", "importerMap", "events", "eventSource"})
    public record RevokeStep(String step, String result, String mmapRead, String pread, String importerMap,
                             List<String> events, String eventSource) {
    }
}
