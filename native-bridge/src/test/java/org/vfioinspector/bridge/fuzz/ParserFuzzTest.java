package org.vfioinspector.bridge.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.vfioinspector.bridge.config.Capability;
import org.vfioinspector.bridge.config.ConfigSpace;
import org.vfioinspector.bridge.config.ConfigSpaceParser;
import org.vfioinspector.bridge.exercise.ExerciseException;
import org.vfioinspector.bridge.exercise.ExerciseLoader;
import org.vfioinspector.bridge.input.Names;
import org.vfioinspector.bridge.input.Numbers;
import org.vfioinspector.bridge.input.TextEscape;
import org.vfioinspector.bridge.journal.JournalReader;
import org.vfioinspector.bridge.kernel.dmabuf.DmaBufFdInfo;
import org.vfioinspector.bridge.kernel.dmabuf.DmaBufInfoTable;
import org.vfioinspector.bridge.kernel.trace.TraceLine;
import org.vfioinspector.bridge.lab.scenario.ScenarioException;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.pciids.PciIds;
import org.vfioinspector.bridge.sysfs.ReservedRegionsFile;
import org.vfioinspector.bridge.sysfs.ResourceFile;
import org.vfioinspector.bridge.sysfs.SysfsFormatException;
import org.vfioinspector.bridge.sysfs.SysfsValues;
import org.vfioinspector.bridge.uapi.CapabilityChain;

/**
 * Fuzz targets for every parser of text or bytes the app did not write itself. Each target allows only the
 * parser's documented format error; anything else (NullPointerException, IndexOutOfBounds, NumberFormatException,
 * an endless loop, running out of memory) fails the target.
 *
 * <p>Without {@code JAZZER_FUZZ} (every {@code mvn test}) each target runs once per input of its committed corpus,
 * {@code src/test/resources/org/vfioinspector/bridge/fuzz/ParserFuzzTestInputs/<target>/}, seeded from the real
 * fixtures. With {@code JAZZER_FUZZ=1} and {@code -Dtest=ParserFuzzTest#<target>} Jazzer fuzzes that one target for
 * {@code maxDuration} (the {@code fuzz} executions in this module's pom, docs/fuzzing.md).
 */
class ParserFuzzTest {
    /** Inputs are bytes from a file: ISO-8859-1 keeps every byte (a sysfs read is bytes, not UTF-8). */
    private static String text(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1);
    }

    @FuzzTest(maxDuration = "10s")
    void resource(byte[] data) {
        try {
            ResourceFile.regions("resource", text(data));
        } catch (SysfsFormatException expected) {
            // the documented error: names the file, the text and what was expected
            requireMessage(expected);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void reservedRegions(byte[] data) {
        try {
            ReservedRegionsFile.parse("reserved_regions", text(data));
        } catch (SysfsFormatException expected) {
            requireMessage(expected);
        }
    }

    /** The one-value files: vendor, device, subsystem_*, class, revision, numa_node, sriov_*, reset_method, ... */
    @FuzzTest(maxDuration = "10s")
    void sysfsIds(byte[] data) {
        String t = text(data);
        call(() -> SysfsValues.id16("vendor", t));
        call(() -> SysfsValues.classCode("class", t));
        call(() -> SysfsValues.revision("revision", t));
        call(() -> SysfsValues.numaNode("numa_node", t));
        call(() -> SysfsValues.count("sriov_numvfs", t));
        call(() -> SysfsValues.resetMethods("reset_method", t));
        call(() -> SysfsValues.driverOverride("driver_override", t));
        call(() -> SysfsValues.groupType("type", t));
        call(() -> SysfsValues.groupNumber("iommu_group", t));
        call(() -> SysfsValues.osRelease("osrelease", t));
    }

    /** pci.ids never fails: lines it does not understand are skipped. */
    @FuzzTest(maxDuration = "10s")
    void pciIds(byte[] data) {
        PciIds ids = PciIds.parse(new String(data, StandardCharsets.UTF_8).lines().toList());
        ids.vendor(0x8086);
        ids.device(0x8086, 0x100e);
        ids.className(0x020000);
    }

    @FuzzTest(maxDuration = "10s")
    void scenario(byte[] data) {
        try {
            ScenarioLoader.parse(new String(data, StandardCharsets.UTF_8), "fuzz.yaml");
        } catch (ScenarioException expected) {
            requireMessage(expected);
        }
    }

    /**
     * Size and shape mutations of a real scenario (issue 19): byte 0 picks the shape, bytes 1-3 a count (up to 16 M),
     * the rest is the payload: one huge line, many copies of a line, deep nesting, a number of many digits, a
     * repeated key. The limits must bite before SnakeYAML runs; only a ScenarioException may come out.
     */
    @FuzzTest(maxDuration = "10s")
    void scenarioShapes(byte[] data) {
        if (data.length < 4) {
            return;
        }
        int count = ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
        String payload = new String(data, 4, data.length - 4, StandardCharsets.UTF_8);
        String base = builtInScenario();
        String text = switch ((data[0] & 0xff) % 5) {
            case 0 -> base.replaceFirst("description: [^\n]*", "description: "
                    + java.util.regex.Matcher.quoteReplacement(payload.repeat(Math.max(1, count / Math.max(1,
                    payload.length())))));
            case 1 -> base + ("  " + payload + "\n").repeat(Math.min(count, 1 << 16));
            case 2 -> base.replace("groups:", "x: " + "[".repeat(Math.min(count, 1 << 16)) + payload + "\ngroups:");
            case 3 -> base.replace("size: 1M", "size: " + "9".repeat(Math.min(count, 1 << 16)) + payload);
            default -> base + payload + ": 1\n" + payload + ": 2\n";
        };
        try {
            ScenarioLoader.parse(text, "shape.yaml");
        } catch (ScenarioException expected) {
            requireMessage(expected);
        }
    }

    private static String scenarioText;

    private static synchronized String builtInScenario() {
        if (scenarioText == null) {
            try (var in = ParserFuzzTest.class.getResourceAsStream(
                    "/org/vfioinspector/bridge/lab/scenarios/qemu-q35.yaml")) {
                scenarioText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return scenarioText;
    }

    /** Exercise YAML: only the documented ExerciseException (file, line, column) may come out. */
    @FuzzTest(maxDuration = "10s")
    void exercise(byte[] data) {
        try {
            ExerciseLoader.parse(new String(data, StandardCharsets.UTF_8), "fuzz-exercise.yaml");
        } catch (ExerciseException expected) {
            requireMessage(expected);
        }
    }

    /**
     * Hostile names as sysfs or a scenario can hold them: a name Names accepts stays one component of its folder,
     * TextEscape leaves nothing a terminal acts on, and the number parser only ever says "out of range".
     */
    @FuzzTest(maxDuration = "10s")
    void hostileNames(byte[] data) {
        String name = new String(data, StandardCharsets.UTF_8);
        java.nio.file.Path dir = java.nio.file.Path.of("/lab/sys/bus/pci/drivers");
        if (Names.isName(name)) {
            java.nio.file.Path p = Names.child(dir, name);
            if (!dir.equals(p.normalize().getParent())) {
                throw new AssertionError("'" + name + "' left " + dir + ": " + p.normalize());
            }
        }
        String shown = TextEscape.escape(name);
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\u202e') {
                throw new AssertionError("escaped text still holds U+" + Integer.toHexString(c) + ": " + shown);
            }
        }
        try {
            Numbers.decimal(name, Integer.MIN_VALUE, Integer.MAX_VALUE);
        } catch (Numbers.OutOfRange expected) {
            requireMessage(expected);
        }
        try {
            Numbers.size(name, 1, Long.MAX_VALUE);
        } catch (Numbers.OutOfRange expected) {
            requireMessage(expected);
        }
    }

    /** /proc/PID/fdinfo/FD of a dma-buf: not a dma-buf is an empty answer, never an exception. */
    @FuzzTest(maxDuration = "10s")
    void fdinfo(byte[] data) {
        DmaBufFdInfo.parse(text(data));
    }

    /** debugfs dma_buf/bufinfo: lines it does not know are skipped. */
    @FuzzTest(maxDuration = "10s")
    void bufinfo(byte[] data) {
        DmaBufInfoTable.parse(text(data));
    }

    /** One line of trace_pipe: a line that is not one of ours is an empty answer. */
    @FuzzTest(maxDuration = "10s")
    void traceLine(byte[] data) {
        for (String line : text(data).split("\n", -1)) {
            TraceLine.parse(line);
        }
    }

    /**
     * The VFIO info capability chain, as the kernel fills it: the first 8 bytes choose the fixed struct size and the
     * cap_offset (little-endian), the rest is the buffer.
     */
    @FuzzTest(maxDuration = "10s")
    void capabilityChain(byte[] data) {
        if (data.length < 8) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int fixedSize = b.getInt(0);
        int capOffset = b.getInt(4);
        try {
            CapabilityChain.read(Arrays.copyOfRange(data, 8, data.length), fixedSize, capOffset);
        } catch (CapabilityChain.MalformedChainException expected) {
            requireMessage(expected);
        }
    }

    /**
     * A device's sysfs {@code config}: never throws, however the chains loop, point out of range or stop short; every
     * capability it lists lies inside the bytes read, and the lists stay within the kernel's walk limits.
     */
    @FuzzTest(maxDuration = "10s")
    void configSpace(byte[] data) {
        ConfigSpace c = ConfigSpaceParser.parse("config", data);
        if (c.readable() != Math.min(data.length, ConfigSpace.EXTENDED)) {
            throw new IllegalStateException("readable " + c.readable() + " of " + data.length + " bytes");
        }
        if (c.capabilities().size() > 48 + 480) {
            throw new IllegalStateException(c.capabilities().size() + " capabilities");
        }
        for (Capability cap : c.capabilities()) {
            if (cap.offset() < ConfigSpace.HEADER || cap.offset() >= c.readable()) {
                throw new IllegalStateException("capability " + cap.id() + " at " + cap.offset() + " outside "
                        + c.readable() + " readable bytes");
            }
        }
        c.problems().forEach(p -> {
            if (p.message().isBlank() || !p.file().equals("config")) {
                throw new IllegalStateException("problem without file or message: " + p);
            }
        });
    }

    /** A journal left by a crashed session: reading never fails on content. */
    @FuzzTest(maxDuration = "10s")
    void journal(byte[] data) {
        JournalReader.parse("fuzz.jsonl", new String(data, StandardCharsets.UTF_8));
    }

    private interface Call {
        Object run();
    }

    private static void call(Call c) {
        try {
            c.run();
        } catch (SysfsFormatException expected) {
            requireMessage(expected);
        }
    }

    /** The documented error must say something: a blank message is as bad as a crash. */
    private static void requireMessage(Exception e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("format error without a message", e);
        }
    }
}
