package org.vfioinspector.bridge.exercise;

import java.util.List;
import java.util.Objects;

/**
 * A guided exercise, validated: the scenario it runs on, what it teaches, and its steps. Each step's check is met
 * by the session's activity (what the student did and what the kernel answered), never by a "done" button.
 *
 * @param name     stable identifier (progress is kept under it)
 * @param title    shown in the chooser
 * @param scenario the lab scenario (built-in name or file) the exercise runs on
 * @param intro    a short introduction
 * @param realHost what a real host needs to run the exercise unchanged
 * @param steps    the steps, in order
 * @param source   where it was loaded from ("builtin:NAME.yaml" or a path)
 */
public record Exercise(String name, String title, String scenario, String intro, RealHostNeeds realHost,
                       List<Step> steps, String source) {
    public Exercise {
        Objects.requireNonNull(name, "name");
        steps = List.copyOf(steps);
    }

    /**
     * One step.
     *
     * @param title        short title
     * @param instructions what to do
     * @param hint         a hint shown on demand, or empty
     * @param check        the records that meet the step
     * @param afterPrevious only records after those that met the previous step count (in this session)
     */
    public record Step(String title, String instructions, String hint, Check check, boolean afterPrevious) {
    }

    /**
     * What a real host must have: {@code needs} says it in words; {@code devices} must each be matched by a different
     * device of the host (in different IOMMU groups when {@code distinctGroups}).
     */
    public record RealHostNeeds(String needs, List<DeviceNeed> devices, boolean distinctGroups) {
        public RealHostNeeds {
            devices = List.copyOf(devices);
        }
    }

    /**
     * One device a real host must have.
     *
     * @param driver     the driver it must be bound to, or null for any
     * @param vendorId   PCI vendor ID, or -1 for any
     * @param deviceId   PCI device ID, or -1 for any
     * @param barMaxSize it needs a memory BAR no larger than this (bytes), or -1
     * @param barMinSize it needs a memory BAR at least this large (bytes), or -1
     */
    public record DeviceNeed(String driver, int vendorId, int deviceId, long barMaxSize, long barMinSize) {
    }
}
