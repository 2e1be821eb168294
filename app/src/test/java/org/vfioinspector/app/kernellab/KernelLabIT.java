package org.vfioinspector.app.kernellab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.vfioinspector.app.conformance.ProbeConformance;
import org.vfioinspector.bridge.rules.KernelProfiles;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real-kernel harness (issue 5): runs {@code kernel-lab/run.sh}, which boots the newest Debian sid
 * kernel under QEMU for each device set and runs the project's jar inside the guest, then asserts on
 * the collected results. Skipped only when {@code VFIO_INSPECTOR_SKIP_KERNEL_LAB=1}.
 *
 * <p>System properties (set by app/pom.xml): {@code kernelLab.repo} (repository root),
 * {@code kernelLab.sets} (device sets, default "intel virtio"), {@code kernelLab.timeoutMinutes}.
 */
class KernelLabIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path repo;
    private static Path resultsRoot;
    private static Path runLog;
    private static int runExitCode;

    static Stream<String> sets() {
        return Stream.of(System.getProperty("kernelLab.sets", "intel virtio").trim().split("\\s+"));
    }

    private static final boolean SKIP = "1".equals(System.getenv("VFIO_INSPECTOR_SKIP_KERNEL_LAB"));
    private static final String SKIP_MESSAGE =
            "VFIO_INSPECTOR_SKIP_KERNEL_LAB=1: the real-kernel harness (kernel-lab/run.sh) was skipped on purpose";

    @BeforeAll
    static void runHarness() throws IOException, InterruptedException {
        if (SKIP) {
            System.out.println("[KernelLabIT] SKIPPED: " + SKIP_MESSAGE);
            return;
        }
        repo = Path.of(System.getProperty("kernelLab.repo", "..")).toAbsolutePath().normalize();
        Path script = repo.resolve("kernel-lab/run.sh");
        assertTrue(Files.isExecutable(script), script + " is missing or not executable");
        Path work = Path.of(System.getenv().getOrDefault("VFIO_INSPECTOR_LAB_WORK", repo.resolve("kernel-lab/work").toString()));
        resultsRoot = work.resolve("results");
        long timeoutMinutes = Long.getLong("kernelLab.timeoutMinutes", 60);

        ProcessBuilder pb = new ProcessBuilder(script.toString()).directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().put("VFIO_INSPECTOR_LAB_SETS", String.join(" ", sets().toList()));
        // run.sh's own total budget stays below ours, so it reports its own timeout first
        pb.environment().putIfAbsent("VFIO_INSPECTOR_LAB_TOTAL_TIMEOUT", String.valueOf(timeoutMinutes * 60 - 120));
        Files.createDirectories(work);
        runLog = work.resolve("run.log");
        Process p = pb.start();
        Thread copier = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter log = new PrintWriter(Files.newBufferedWriter(runLog), true)) {
                for (String line; (line = in.readLine()) != null; ) {
                    System.out.println(line);
                    log.println(line);
                }
            } catch (IOException e) {
                System.out.println("[KernelLabIT] reading run.sh output: " + e);
            }
        }, "kernel-lab-output");
        copier.setDaemon(true);
        copier.start();
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            copier.join(5000);
            fail("kernel-lab/run.sh did not finish within " + timeoutMinutes + " min (killed); last output:\n" + tail(runLog, 60));
        }
        copier.join(10_000);
        runExitCode = p.exitValue();
        System.out.println("[KernelLabIT] kernel-lab/run.sh exit code " + runExitCode + ", log " + runLog);
    }

    /** Each test reports the skip itself (a class-level assumption would show as 0 tests run). */
    @BeforeEach
    void skipOnlyOnTheExplicitSwitch() {
        assumeFalse(SKIP, SKIP_MESSAGE);
    }

    // ---- results of one device set ------------------------------------------------------------

    /** results.json of the set, failing with the guest error and console tail when the set did not run. */
    static JsonNode results(String set) throws IOException {
        Path dir = resultsRoot.resolve(set);
        Path file = dir.resolve("results.json");
        if (!Files.exists(file)) {
            fail("device set " + set + ": no " + file + " (run.sh exit " + runExitCode + "); run.sh output:\n" + tail(runLog, 60));
        }
        JsonNode r = JSON.readTree(file.toFile());
        if (!"ok".equals(r.path("status").asText())) {
            fail("device set " + set + " failed in the guest: " + r.path("error").asText() + "\nguest console (tail of "
                    + dir.resolve("console.log") + "):\n" + tail(dir.resolve("console.log"), 60));
        }
        return r;
    }

    static JsonNode command(JsonNode results, String name) {
        for (JsonNode c : results.path("commands")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return fail("guest command '" + name + "' is not in the command list of set " + results.path("set").asText());
    }

    /** stdout of a guest command that must have exited 0; otherwise fail with its exit code and stderr. */
    static String successfulOutput(String set, JsonNode results, String name) throws IOException {
        JsonNode c = command(results, name);
        Path dir = resultsRoot.resolve(set);
        if (!c.path("ran").asBoolean() || c.path("exitCode").asInt(-1) != 0) {
            fail("set " + set + ": guest command '" + c.path("command").asText() + "' "
                    + (c.path("timedOut").asBoolean() ? "timed out" : "exited " + c.path("exitCode").asText())
                    + "; stderr:\n" + tail(dir.resolve(name + ".stderr"), 30));
        }
        return Files.readString(dir.resolve(name + ".stdout"));
    }

    // ---- assertions ----------------------------------------------------------------------------

    @ParameterizedTest(name = "device set {0}")
    @MethodSource("sets")
    void guestKernelIs7xAndRecorded(String set) throws IOException {
        JsonNode r = results(set);
        String kernel = r.path("kernelVersion").asText();
        assertTrue(kernel.matches("7\\.\\d+.*"), "guest kernel is not 7.x: " + kernel);
        String uname = successfulOutput(set, r, "uname").trim();
        assertEquals(kernel, uname, "results.json kernelVersion vs uname -r in the guest");
        assertEquals(r.path("fetchedKernelVersion").asText(), uname, "the kernel that ran is the one fetched");
        assertEquals(uname, Files.readString(resultsRoot.resolve(set).resolve("version")).trim(), "version file");
    }

    @ParameterizedTest(name = "device set {0}")
    @MethodSource("sets")
    void listAgreesWithTheGuestsLspci(String set) throws IOException {
        JsonNode r = results(set);
        Map<String, LspciParser.Device> lspci = LspciParser.parse(successfulOutput(set, r, "lspci"));
        String listOut = successfulOutput(set, r, "list");
        JsonNode list = JSON.readTree(listOut);

        // the devices the guest bound to vfio-pci are there, with IOMMU groups (the vIOMMU worked)
        List<String> bound = boundByGuest(set);
        assertTrue(!bound.isEmpty(), "the guest bound no device to vfio-pci");
        for (String bdf : bound) {
            LspciParser.Device d = lspci.get(bdf);
            assertTrue(d != null && "vfio-pci".equals(d.driver()) && d.iommuGroup() != null,
                    bdf + " was bound to vfio-pci by the guest, lspci shows " + d);
        }
        String uname = successfulOutput(set, r, "uname").trim();
        assertEquals(uname, list.path("host").path("kernel").path("release").asText(),
                "list --json host.kernel " + list.path("host").path("kernel") + " vs uname -r " + uname);

        List<String> diffs = ListVsLspci.compare(list, lspci);
        if (!diffs.isEmpty()) {
            fail("set " + set + ": list --json disagrees with the guest's lspci -D -nn -vv in " + diffs.size()
                    + " point(s):\n  " + String.join("\n  ", diffs));
        }
    }

    /**
     * Facts §9 on the real kernel: every region of every probed device (region info, flags, caps, mmap and its dword,
     * pread and its dword, dma-buf export) and the --revoke sequences, field by field. The virtio-iommu set has a
     * subset of the devices in other IOMMU groups; §9 says they answered the same, so it is held to the same table
     * without the group numbers.
     */
    @ParameterizedTest(name = "device set {0}")
    @MethodSource("sets")
    void probeMatchesFactsSection9(String set) throws IOException {
        JsonNode r = results(set);
        JsonNode expected = section9For(set, r);
        JsonNode probe = JSON.readTree(successfulOutput(set, r, "probe"));
        JsonNode revoke = JSON.readTree(successfulOutput(set, r, "probe-revoke"));
        List<String> diffs = new java.util.ArrayList<>();
        ProbeConformance.expectedFieldsMatch(expected, probe, false).forEach(d -> diffs.add("probe: " + d));
        ProbeConformance.expectedFieldsMatch(expected, revoke, true).forEach(d -> diffs.add("probe --revoke: " + d));
        if (!diffs.isEmpty()) {
            fail("set " + set + ": the real kernel " + r.path("kernelVersion").asText() + " differs from facts §9 in "
                    + diffs.size() + " point(s):\n  " + String.join("\n  ", diffs));
        }
        for (JsonNode d : revoke.path("devices")) {
            for (JsonNode step : d.path("revoke")) {
                assertEquals("tracefs", step.path("eventSource").asText(), d.path("bdf").asText() + " "
                        + step.path("step").asText() + ": revocation must be seen live through tracefs in the guest");
            }
        }
    }

    /**
     * The kernel-level conformance suite (the one {@code KernelConformanceLabTest} runs on the lab) ran inside the
     * guest against the real kernel: every case passed, or was skipped with its reason (a kernel without iommufd
     * skips the importer cases, one without VFIO_DEVICE_CDEV the cdev open). It runs last in the guest: it unbinds
     * and binds a device again.
     */
    @ParameterizedTest(name = "device set {0}")
    @MethodSource("sets")
    void conformanceSuitePassesOnTheRealKernel(String set) throws IOException {
        JsonNode r = results(set);
        JsonNode c = command(r, "conformance");
        Path dir = resultsRoot.resolve(set);
        assertTrue(c.path("ran").asBoolean() && !c.path("timedOut").asBoolean(), "set " + set
                + ": the conformance suite did not run to its end; stderr:\n" + tail(dir.resolve("conformance.stderr"), 30));
        JsonNode report = JSON.readTree(Files.readString(dir.resolve("conformance.stdout")));
        assertFalse(report.path("lab").asBoolean(true), "the suite ran on the lab, not the guest's kernel");
        List<String> failed = new java.util.ArrayList<>();
        int passed = 0;
        for (JsonNode k : report.path("cases")) {
            String status = k.path("status").asText();
            if (status.equals("PASS")) {
                passed++;
            } else if (!status.equals("SKIP") || k.path("detail").asText().isBlank()) {
                failed.add(k.path("name").asText() + " " + status + ": " + k.path("detail").asText());
            }
        }
        assertTrue(failed.isEmpty(), "set " + set + " (" + report.path("kernel").asText() + "): " + failed);
        assertTrue(passed >= 5, "set " + set + ": only " + passed + " conformance cases passed: " + report);
        assertEquals(0, c.path("exitCode").asInt(-1), "conformance exit code");
    }

    /**
     * A SIGBUS from a revoked mapping never takes the process down: on the real kernel, reading a BAR mapping after
     * PCI_COMMAND.MEMORY was cleared faults, the probe reports "SIGBUS" for that step and the same JVM goes on to the
     * next steps (memory on: the mapping reads again; close) and exits 0 with complete JSON.
     */
    @ParameterizedTest(name = "device set {0}")
    @MethodSource("sets")
    void aSigbusOnARevokedMappingDoesNotKillTheProcess(String set) throws IOException {
        JsonNode r = results(set);
        JsonNode revoke = JSON.readTree(successfulOutput(set, r, "probe-revoke"));
        int faults = 0;
        for (JsonNode d : revoke.path("devices")) {
            List<String> steps = new java.util.ArrayList<>();
            d.path("revoke").forEach(s -> steps.add(s.path("step").asText() + ":" + s.path("mmapRead").asText()));
            int off = steps.indexOf("memory-off:SIGBUS");
            if (off < 0) {
                continue;
            }
            faults++;
            assertTrue(steps.size() > off + 1 && steps.get(off + 1).equals("memory-on:ok"), d.path("bdf").asText()
                    + ": after the SIGBUS the same process must map and read the BAR again: " + steps);
            assertTrue(steps.get(steps.size() - 1).startsWith("close:"), d.path("bdf").asText() + ": " + steps);
        }
        assertTrue(faults >= 1, "set " + set + ": no device took a SIGBUS on memory-off; the fault path was not "
                + "exercised on the real kernel");
    }

    /**
     * Lab against real: the same probe (and --revoke) on lab:qemu-q35, with the profile chosen for the release that
     * ran, must give identical answers field by field. A difference prints both sides; the fix for a new kernel's
     * behaviour is a new or corrected kernel profile, not a weaker comparison.
     */
    @ParameterizedTest(name = "device set {0}")
    @MethodSource("sets")
    void probeConformsToTheLabProfileOfTheKernelThatRan(String set) throws Exception {
        JsonNode r = results(set);
        String release = r.path("kernelVersion").asText();
        String profile = KernelProfiles.forRelease(release).profile().name();
        for (String name : new String[] {"probe", "probe-revoke"}) {
            JsonNode real = JSON.readTree(successfulOutput(set, r, name));
            List<String> args = new java.util.ArrayList<>(List.of("probe", "--json", "--host", "lab:qemu-q35"));
            if (name.equals("probe-revoke")) {
                args.add("--revoke");
            }
            for (JsonNode d : real.path("devices")) {
                args.add("--device");
                args.add(d.path("bdf").asText());
            }
            JsonNode lab = ProbeConformance.cliJson(args.toArray(new String[0]));
            assertEquals(profile, lab.path("kernel").path("profile").asText(), "lab:qemu-q35 models profile "
                    + lab.path("kernel").path("profile").asText() + ", but the kernel that ran (" + release
                    + ") gets profile " + profile + ": give the scenario (or the harness) that profile");
            List<String> diffs = ProbeConformance.identical(lab, real, !set.equals("intel"));
            if (!diffs.isEmpty()) {
                fail("set " + set + ", " + name + ": lab:qemu-q35 (profile " + profile + ") differs from the real kernel "
                        + release + " in " + diffs.size() + " point(s) (expected = real, got = lab):\n  "
                        + String.join("\n  ", diffs) + "\nreal:\n" + real.toPrettyString() + "\nlab:\n"
                        + lab.toPrettyString());
            }
        }
    }

    /** §9 as the given set should show it: all devices for intel; for another vIOMMU, those it has, groups aside. */
    private static JsonNode section9For(String set, JsonNode results) throws IOException {
        JsonNode all = ProbeConformance.section9();
        if (set.equals("intel")) {
            return all;
        }
        List<String> bound = boundByGuest(set);
        com.fasterxml.jackson.databind.node.ObjectNode out = all.deepCopy();
        com.fasterxml.jackson.databind.node.ArrayNode devices = out.putArray("devices");
        for (JsonNode d : all.path("devices")) {
            if (bound.contains(d.path("bdf").asText())) {
                com.fasterxml.jackson.databind.node.ObjectNode copy = d.deepCopy();
                copy.remove("group");
                devices.add(copy);
            }
        }
        assertTrue(devices.size() > 0, "set " + set + " bound none of the §9 devices: " + bound);
        return out;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static final Pattern BOUND = Pattern.compile("^@@VFIOINSP BOUND (\\S+) ");

    /** BDFs the guest's /init reported as bound to vfio-pci (console markers). */
    static List<String> boundByGuest(String set) throws IOException {
        try (Stream<String> lines = Files.lines(resultsRoot.resolve(set).resolve("console.log"), StandardCharsets.ISO_8859_1)) {
            return lines.map(BOUND::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
