package org.vfioinspector.bridge.journal;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * One thing that happened in a session, in the order it happened: a host was opened, the user acted and the kernel
 * answered, or the kernel reported an event. The session journal writes these; the guided exercises check them.
 *
 * @param seq       position in the session, from 1, without gaps
 * @param at        wall-clock time it was recorded
 * @param type      what kind of thing happened
 * @param operation HOST: "open"; ACTION: the action ("mmap", "export", "attach", "reset", "memory-off",
 *                  "memory-on", "close", ...); EVENT: the kernel event kind in lower case ("revoke", "restore",
 *                  "zap", "permanent", "invalidate", "release")
 * @param device    the device concerned, or null
 * @param region    the region (BAR) index concerned, or -1
 * @param result    ACTION: "ok", the errno name ("EINVAL"), "SIGBUS", "cancelled" or "error"; HOST: "ok";
 *                  EVENT: the kernel function that was entered
 * @param detail    one human line: what was done or seen
 * @param facts     further named values (e.g. "inode", "offset", "length", "value", "importer", "profile"); keys
 *                  and values are plain strings so that a journal line can be read back without the app's classes
 */
public record Activity(long seq, Instant at, Type type, String operation, PciAddress device, int region,
                       String result, String detail, Map<String, String> facts) {
    /** The three kinds of record. */
    public enum Type {
        /** A host (this machine, a snapshot, a lab scenario) was opened. */
        HOST,
        /** The user asked for something and the kernel answered. */
        ACTION,
        /** The kernel did something to mappings, dma-bufs or attachments. */
        EVENT
    }

    public Activity {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(result, "result");
        detail = detail == null ? "" : detail;
        facts = facts == null ? Map.of() : Map.copyOf(facts);
    }

    public Optional<PciAddress> deviceIfKnown() {
        return Optional.ofNullable(device);
    }

    public boolean isOk() {
        return "ok".equals(result);
    }

    public Optional<String> fact(String name) {
        return Optional.ofNullable(facts.get(name));
    }
}
