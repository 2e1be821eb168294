package org.vfioinspector.app.gui.dmabuf;

import java.time.Instant;
import org.vfioinspector.bridge.kernel.KernelEvent;

/**
 * One event on the timeline: when the app received it (wall clock) and what the kernel reported.
 *
 * @param received wall-clock time of arrival
 * @param event    the kernel's event (its own timestamp is the trace clock or the lab clock)
 * @param effect   what it did to the tracked objects, e.g. "2 dma-bufs revoked, 1 attachment revoked"
 */
public record TimelineEntry(Instant received, KernelEvent event, String effect) {
}
