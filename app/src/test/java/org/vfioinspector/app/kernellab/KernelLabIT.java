package org.vfioinspector.app.kernellab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vfioinspector.app.conformance.ProbeConformance;
import org.vfioinspector.bridge.rules.KernelProfile;
import org.vfioinspector.bridge.rules.KernelProfiles;

/**
 * The real-kernel harness (issues 5 and 20): runs {@code kernel-lab/run.sh}, which boots two real kernels under
 * QEMU for each device set and runs the project's jar inside the guest, then asserts on the collected results:
 * "debian" (Debian sid's own kernel: no iommufd, the legacy group/container path only) and "iommufd" (built from
 * Debian's linux-source by build-kernel.sh: the cdev + iommufd path and the legacy path). Skipped only when
 * {@code VFIO_INSPECTOR_SKIP_KERNEL_LAB=1}.
 *
 * <p>System properties (set by app/pom.xml): {@code kernelLab.repo} (repository root),
 * {@code kernelLab.kernels} (default "debian iommufd"), {@code kernelLab.sets} (device sets, default
 * "intel virtio"), {@code kernelLab.timeoutMinutes}.
 */
class KernelLabIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path repo;
    private static Path resultsRoot;
    private static Path runLog;
    private static int runExitCode;

    /** The kernel built with iommufd: the only one that has the cdev path. */
    static final String IOMMUFD = "iommufd";

    static Stream<String> sets() {
        return Stream.of(System.getProperty("kernelLab.sets", "intel virtio").trim().split("\\s+"));
    }

    static Stream<String> kernels() {
        return Stream.of(System.getProperty("kernelLab.kernels", "debian iommufd").trim().split("\\s+"));
    }

    /** Every kernel with every device set: one boot each. */
    static Stream<Arguments> runs() {
        return kernels().flatMap(k -> sets().map(s -> Arguments.of(k, s)));
    }

    /** The runs on the iommufd kernel (none when it is not among kernelLab.kernels). */
    static Stream<Arguments> iommufdRuns() {
        return runs().filter(a -> IOMMUFD.equals(a.get()[0]));
    }

    /** The runs on kernels without iommufd. */
    static Stream<Arguments> legacyOnlyRuns() {
        return runs().filter(a -> !IOMMUFD.equals(a.get()[0]));
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
        long timeoutMinutes = Long.getLong("kernelLab.timeoutMinutes", 80);

        ProcessBuilder pb = new ProcessBuilder(script.toString()).directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().put("VFIO_INSPECTOR_LAB_SETS", String.join(" ", sets().toList()));
        pb.environment().put("VFIO_INSPECTOR_LAB_KERNELS", String.join(" ", kernels().toList()));
        // run.sh's own total budget (of the boots, after the kernels are there) stays below ours
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

    static Path dir(String kernel, String set) {
        return resultsRoot.resolve(kernel).resolve(set);
    }

    /** results.json of the run, failing with the guest error and console tail when the set did not run. */
    static JsonNode results(String kernel, String set) throws IOException {
        Path dir = dir(kernel, set);
        Path file = dir.resolve("results.json");
        if (!Files.exists(file)) {
            fail(kernel + "/" + set + ": no " + file + " (run.sh exit " + runExitCode + "); run.sh output:\n"
                    + tail(runLog, 60));
        }
        JsonNode r = JSON.readTree(file.toFile());
        if (!"ok".equals(r.path("status").asText())) {
            fail(kernel + "/" + set + " failed in the guest: " + r.path("error").asText() + "\nguest console (tail of "
                    + dir.resolve("console.log") + "):\n" + tail(dir.resolve("console.log"), 60));
        }
        assertEquals(kernel, r.path("kernel").asText(), "results.json of " + dir + " is of another kernel");
        return r;
    }

    static JsonNode command(JsonNode results, String name) {
        for (JsonNode c : results.path("commands")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return fail("guest command '" + name + "' is not in the command list of " + results.path("kernel").asText()
                + "/" + results.path("set").asText());
    }

    /** stdout of a guest command that must have exited 0; otherwise fail with its exit code and stderr. */
    static String successfulOutput(JsonNode results, String name) throws IOException {
        JsonNode c = command(results, name);
        String kernel = results.path("kernel").asText();
        String set = results.path("set").asText();
        Path dir = dir(kernel, set);
        if (!c.path("ran").asBoolean() || c.path("exitCode").asInt(-1) != 0) {
            fail(kernel + "/" + set + ": guest command '" + c.path("command").asText() + "' "
                    + (!c.path("ran").asBoolean() ? "did not run"
                        : c.path("timedOut").asBoolean() ? "timed out" : "exited " + c.path("exitCode").asText())
                    + "; stderr:\n" + tail(dir.resolve(name + ".stderr"), 30));
        }
        return Files.readString(dir.resolve(name + ".stdout"));
    }

    static JsonNode json(JsonNode results, String name) throws IOException {
        return JSON.readTree(successfulOutput(results, name));
    }

    // ---- assertions ----------------------------------------------------------------------------

    /** The probe commands of a kernel: AUTO without and with --revoke; on the iommufd kernel also CDEV and LEGACY. */
    static List<String> probeCommands(String kernel) {
        return IOMMUFD.equals(kernel) ? List.of("probe", "probe-revoke", "probe-cdev", "probe-legacy")
                : List.of("probe", "probe-revoke");
    }

    static boolean revokes(String probeCommand) {
        return !probeCommand.equals("probe");
    }

    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void guestKernelIs7xAndRecorded(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        String release = r.path("kernelVersion").asText();
        assertTrue(release.matches("7\\.\\d+.*"), "guest kernel is not 7.x: " + release);
        String uname = successfulOutput(r, "uname").trim();
        assertEquals(release, uname, "results.json kernelVersion vs uname -r in the guest");
        assertEquals(r.path("fetchedKernelVersion").asText(), uname, "the kernel that ran is the one prepared");
        assertEquals(uname, Files.readString(dir(kernel, set).resolve("version")).trim(), "version file");
        // build-kernel.sh builds with LOCALVERSION=-vfioinsp; Debian's releases end in the flavour (-amd64)
        assertEquals(IOMMUFD.equals(kernel), uname.endsWith("-vfioinsp"), kernel + " kernel ran release " + uname);
    }

    /**
     * Every command of the list started in the guest, inside the checkout (NAME.started is written by the command's
     * shell after its cd): a set whose commands could not run (a checkout the guest cannot see) is a failure, not a
     * table of exit codes 2.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void everyGuestCommandStartedInTheCheckout(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        List<String> notRun = new java.util.ArrayList<>();
        for (JsonNode c : r.path("commands")) {
            String name = c.path("name").asText();
            if (!c.path("ran").asBoolean() || !Files.exists(dir(kernel, set).resolve(name + ".started"))) {
                notRun.add(name + " (" + tail(dir(kernel, set).resolve(name + ".stderr"), 1) + ")");
            }
        }
        assertTrue(r.path("commands").size() > 0, kernel + "/" + set + ": empty command list");
        assertTrue(notRun.isEmpty(), kernel + "/" + set + ": guest commands that did not run: " + notRun);
    }

    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void listAgreesWithTheGuestsLspci(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        Map<String, LspciParser.Device> lspci = LspciParser.parse(successfulOutput(r, "lspci"));
        String listOut = successfulOutput(r, "list");
        JsonNode list = JSON.readTree(listOut);

        // the devices the guest bound to vfio-pci are there, with IOMMU groups (the vIOMMU worked)
        List<String> bound = boundByGuest(kernel, set);
        assertTrue(!bound.isEmpty(), "the guest bound no device to vfio-pci");
        for (String bdf : bound) {
            LspciParser.Device d = lspci.get(bdf);
            assertTrue(d != null && "vfio-pci".equals(d.driver()) && d.iommuGroup() != null,
                    bdf + " was bound to vfio-pci by the guest, lspci shows " + d);
        }
        String uname = successfulOutput(r, "uname").trim();
        assertEquals(uname, list.path("host").path("kernel").path("release").asText(),
                "list --json host.kernel " + list.path("host").path("kernel") + " vs uname -r " + uname);

        List<String> diffs = ListVsLspci.compare(list, lspci);
        // capabilities too: names and offsets in chain order, MSI-X table/PBA, ACS bits, link, PM state
        LspciCapabilities.compare(list, LspciCapabilities.parse(successfulOutput(r, "lspci")))
                .forEach(d -> diffs.add("capabilities: " + d));
        if (!diffs.isEmpty()) {
            fail(kernel + "/" + set + ": list --json disagrees with the guest's lspci -D -nn -vv in " + diffs.size()
                    + " point(s):\n  " + String.join("\n  ", diffs));
        }
    }

    /**
     * The verdict columns' promise on the real kernel: for every region of every probed device, what the guest's
     * {@code list --json} predicted (mmap, dma-buf export) is what the same kernel answered to {@code probe --json}
     * (both open paths on the iommufd kernel). Unknown verdicts promise nothing; there must be few.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void listVerdictsAreWhatTheKernelAnswered(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        JsonNode list = JSON.readTree(successfulOutput(r, "list"));
        List<String> diffs = new java.util.ArrayList<>();
        int compared = 0;
        for (String name : List.of("probe", "probe-cdev")) {
            VerdictsVsProbe.Result v = VerdictsVsProbe.compare(list, json(r, name));
            v.diffs().forEach(d -> diffs.add(name + ": " + d));
            compared += v.compared();
        }
        assertTrue(compared >= 10, kernel + "/" + set + ": only " + compared + " verdicts compared");
        if (!diffs.isEmpty()) {
            fail(kernel + "/" + set + ": list predicted otherwise than the real kernel " + r.path("kernelVersion")
                    .asText() + " answered in " + diffs.size() + " of " + compared + " verdicts:\n  "
                    + String.join("\n  ", diffs));
        }
    }

    /**
     * What {@code list --json} says about iommufd and the cdevs: Debian's kernel has neither (iommufd false, no
     * vfio/devices nodes), although every bound device has its sysfs vfio-dev/vfioN entry there too (the vfio-dev
     * class exists without CONFIG_VFIO_DEVICE_CDEV); the built kernel has /dev/iommu and one vfio/devices/vfioN
     * node per bound device, each device naming its own.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void listSaysWhetherTheKernelHasIommufdAndCdevs(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        JsonNode list = json(r, "list");
        JsonNode k = list.path("host").path("kernel");
        List<String> bound = boundByGuest(kernel, set);
        List<String> cdevs = new java.util.ArrayList<>();
        k.path("vfioDeviceNodes").forEach(n -> cdevs.add(n.asText()));
        List<String> named = new java.util.ArrayList<>();
        for (JsonNode d : list.path("devices")) {
            if (bound.contains(d.path("bdf").asText()) && d.hasNonNull("vfioDevice")) {
                named.add(d.path("vfioDevice").asText());
            }
        }
        assertEquals(bound.size(), named.size(), "every bound device names its sysfs vfio-dev entry: " + named);
        if (IOMMUFD.equals(kernel)) {
            assertTrue(k.path("iommufd").asBoolean(), "the iommufd kernel: list --json says no /dev/iommu: " + k);
            assertEquals(bound.size(), cdevs.size(), "one vfio/devices node per bound device: " + k);
            assertTrue(cdevs.containsAll(named), "device vfio-dev names " + named + " vs nodes " + cdevs);
        } else {
            assertTrue(!k.path("iommufd").asBoolean() && !k.path("modules").path("iommufd").asBoolean(),
                    "Debian's kernel has no iommufd, list --json says " + k);
            assertTrue(cdevs.isEmpty(), "Debian's kernel has no vfio/devices cdev nodes: " + k);
        }
    }

    /**
     * Facts §9 on the real kernel: every region of every probed device (region info, flags, caps, mmap and its dword,
     * pread and its dword, dma-buf export) and the --revoke sequences, field by field, for every probe command of the
     * kernel (on the iommufd kernel: AUTO, --open-path CDEV and --open-path LEGACY). The virtio-iommu set has a
     * subset of the devices in other IOMMU groups; §9 says they answered the same, so it is held to the same table
     * without the group numbers.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void probeMatchesFactsSection9(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        JsonNode expected = section9For(kernel, set);
        List<String> diffs = new java.util.ArrayList<>();
        for (String name : probeCommands(kernel)) {
            JsonNode probe = json(r, name);
            ProbeConformance.expectedFieldsMatch(expected, probe, revokes(name)).forEach(d -> diffs.add(name + ": " + d));
            if (revokes(name)) {
                for (JsonNode d : probe.path("devices")) {
                    for (JsonNode step : d.path("revoke")) {
                        if (!"tracefs".equals(step.path("eventSource").asText())) {
                            diffs.add(name + ": " + d.path("bdf").asText() + " " + step.path("step").asText()
                                    + ": revocation must be seen live through tracefs in the guest, got "
                                    + step.path("eventSource"));
                        }
                    }
                }
            }
        }
        if (!diffs.isEmpty()) {
            fail(kernel + "/" + set + ": the real kernel " + r.path("kernelVersion").asText() + " differs from facts §9 in "
                    + diffs.size() + " point(s):\n  " + String.join("\n  ", diffs));
        }
    }

    /**
     * --revoke attaches an importer to the first exported dma-buf and maps it again after each step. On the iommufd
     * kernel that is iommufd (MAP_FILE), on every open path: the reset revokes and restores (map again: ok),
     * memory-off revokes (ENODEV), memory-on restores (ok), the close revokes for good (ENODEV). Debian's kernel has
     * no iommufd: no importer, and the probe says why.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void revokeSequenceCarriesAnImporter(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        List<String> diffs = new java.util.ArrayList<>();
        int sequences = 0;
        for (String name : probeCommands(kernel)) {
            if (!revokes(name)) {
                continue;
            }
            for (JsonNode d : json(r, name).path("devices")) {
                if (d.path("revoke").size() != 4) {
                    continue; // no reset method: only the refused reset was asked
                }
                sequences++;
                String where = name + " " + d.path("bdf").asText();
                String importer = d.path("importer").asText("");
                List<String> maps = new java.util.ArrayList<>();
                d.path("revoke").forEach(s -> maps.add(s.path("importerMap").asText("null")));
                if (IOMMUFD.equals(kernel)) {
                    if (!importer.startsWith("iommufd IOAS")) {
                        diffs.add(where + ": importer " + d.path("importer") + ", want iommufd");
                    } else if (!maps.equals(List.of("ok", "ENODEV", "ok", "ENODEV"))) {
                        diffs.add(where + ": map again after reset, memory-off, memory-on, close: " + maps
                                + ", want [ok, ENODEV, ok, ENODEV]");
                    }
                } else if (!importer.startsWith("none: ENOENT") || !maps.equals(List.of("null", "null", "null",
                        "null"))) {
                    diffs.add(where + ": Debian's kernel has no iommufd: importer " + d.path("importer") + ", maps "
                            + maps);
                }
            }
        }
        assertTrue(sequences > 0, kernel + "/" + set + ": no device ran the whole revocation sequence");
        if (!diffs.isEmpty()) {
            fail(kernel + "/" + set + ": " + String.join("\n  ", diffs));
        }
    }

    /**
     * The path each probe took, device by device: on Debian's kernel (no iommufd, no cdevs) AUTO takes the legacy
     * path; on the iommufd kernel AUTO takes cdev (every device has vfio/devices/vfioN and there is /dev/iommu),
     * --open-path CDEV takes cdev and --open-path LEGACY legacy.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void autoPicksCdevExactlyWhereTheKernelHasIt(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        List<String> diffs = new java.util.ArrayList<>();
        for (String name : probeCommands(kernel)) {
            String want = name.equals("probe-legacy") || !IOMMUFD.equals(kernel) ? "legacy" : "cdev";
            JsonNode probe = json(r, name);
            assertTrue(probe.path("devices").size() > 0, name + ": no device probed");
            for (JsonNode d : probe.path("devices")) {
                if (!want.equals(d.path("openPath").asText()) || !"ok".equals(d.path("open").asText())) {
                    diffs.add(name + " " + d.path("bdf").asText() + ": openPath " + d.path("openPath") + ", open "
                            + d.path("open") + " (want " + want + ", ok) " + d.path("note").asText(""));
                }
            }
        }
        assertTrue(diffs.isEmpty(), kernel + "/" + set + ":\n  " + String.join("\n  ", diffs));
    }

    /**
     * The cdev path gives the same answers as the legacy path, device by device (issue 20): {@code probe --json
     * --revoke --open-path CDEV} against {@code --open-path LEGACY} on the same boot, every field but the path.
     */
    // none where kernelLab.kernels leaves that kernel out
    @ParameterizedTest(name = "{0} kernel, device set {1}", allowZeroInvocations = true)
    @MethodSource("iommufdRuns")
    void cdevAnswersAsLegacyDoes(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        JsonNode cdev = json(r, "probe-cdev");
        JsonNode legacy = json(r, "probe-legacy");
        List<String> diffs = ProbeConformance.identical(legacy, cdev, false, true);
        if (!diffs.isEmpty()) {
            fail(kernel + "/" + set + ": --open-path CDEV differs from --open-path LEGACY in " + diffs.size()
                    + " point(s) (expected = cdev, got = legacy):\n  " + String.join("\n  ", diffs));
        }
    }

    /**
     * The kernel-level conformance suite (the one {@code KernelConformanceLabTest} runs on the lab) ran inside the
     * guest against the real kernel: every case passed, or was skipped with its reason (a kernel without iommufd
     * skips the importer cases, one without VFIO_DEVICE_CDEV the cdev open). It runs last in the guest: it unbinds
     * and binds a device again.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void conformanceSuitePassesOnTheRealKernel(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        JsonNode c = command(r, "conformance");
        Path dir = dir(kernel, set);
        assertTrue(c.path("ran").asBoolean() && !c.path("timedOut").asBoolean(), kernel + "/" + set
                + ": the conformance suite did not run to its end; stderr:\n" + tail(dir.resolve("conformance.stderr"), 30));
        JsonNode report = JSON.readTree(Files.readString(dir.resolve("conformance.stdout")));
        assertFalse(report.path("lab").asBoolean(true), "the suite ran on the lab, not the guest's kernel");
        List<String> failed = new java.util.ArrayList<>();
        List<String> passed = new java.util.ArrayList<>();
        for (JsonNode k : report.path("cases")) {
            String status = k.path("status").asText();
            if (status.equals("PASS")) {
                passed.add(k.path("name").asText());
            } else if (!status.equals("SKIP") || k.path("detail").asText().isBlank()) {
                failed.add(k.path("name").asText() + " " + status + ": " + k.path("detail").asText());
            }
        }
        assertTrue(failed.isEmpty(), kernel + "/" + set + " (" + report.path("kernel").asText() + "): " + failed);
        if (IOMMUFD.equals(kernel)) {
            // the Done-when of issue 20: iommufd's attachment revoked live and mapped again, for good on close
            for (String must : List.of("open-cdev", "cdev-bind-refusals", "iommufd-map-file",
                    "importer-memory-revoke-restore", "importer-close-permanent")) {
                assertTrue(passed.contains(must), kernel + "/" + set + ": " + must + " did not pass: " + report);
            }
        }
        assertTrue(passed.size() >= 5, kernel + "/" + set + ": only " + passed + " passed: " + report);
        assertEquals(0, c.path("exitCode").asInt(-1), "conformance exit code");
    }

    /**
     * A SIGBUS from a revoked mapping never takes the process down: on the real kernel, reading a BAR mapping after
     * PCI_COMMAND.MEMORY was cleared faults, the probe reports "SIGBUS" for that step and the same JVM goes on to the
     * next steps (memory on: the mapping reads again; close) and exits 0 with complete JSON.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void aSigbusOnARevokedMappingDoesNotKillTheProcess(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        for (String name : probeCommands(kernel)) {
            if (!revokes(name)) {
                continue;
            }
            JsonNode revoke = json(r, name);
            int faults = 0;
            for (JsonNode d : revoke.path("devices")) {
                List<String> steps = new java.util.ArrayList<>();
                d.path("revoke").forEach(s -> steps.add(s.path("step").asText() + ":" + s.path("mmapRead").asText()));
                int off = steps.indexOf("memory-off:SIGBUS");
                if (off < 0) {
                    continue;
                }
                faults++;
                assertTrue(steps.size() > off + 1 && steps.get(off + 1).equals("memory-on:ok"), name + " "
                        + d.path("bdf").asText() + ": after the SIGBUS the same process must map and read the BAR "
                        + "again: " + steps);
                assertTrue(steps.get(steps.size() - 1).startsWith("close:"), d.path("bdf").asText() + ": " + steps);
            }
            assertTrue(faults >= 1, kernel + "/" + set + " " + name + ": no device took a SIGBUS on memory-off; the "
                    + "fault path was not exercised on the real kernel");
        }
    }

    /**
     * Lab against real: the same probe (and --revoke, and the same --open-path) on lab:qemu-q35 with the profile list
     * chose for the kernel that ran (Debian's build: the variant without iommufd, whose lab host lists vfio-dev in
     * sysfs but has no /dev/iommu, as Debian's kernel), must give identical answers field by field, the open path
     * included: AUTO takes the cdev on the built kernel and falls back to legacy on Debian's in both, CDEV is refused
     * at the open of iommu on Debian's. A difference prints both sides; the fix for a new kernel's behaviour is a new
     * or corrected kernel profile, not a weaker comparison.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void probeConformsToTheLabProfileOfTheKernelThatRan(String kernel, String set) throws Exception {
        JsonNode r = results(kernel, set);
        String release = r.path("kernelVersion").asText();
        String profile = KernelProfiles.forHost(release, IOMMUFD.equals(kernel)).profile().name();
        Path scenario = labScenarioWithProfile(profile);
        List<String> commands = new java.util.ArrayList<>(probeCommands(kernel));
        if (!commands.contains("probe-cdev")) {
            commands.add("probe-cdev");   // run on every kernel: Debian's refuses it
        }
        try {
            for (String name : commands) {
                JsonNode real = json(r, name);
                List<String> args = new java.util.ArrayList<>(List.of("probe", "--json", "--host", "lab:" + scenario));
                if (revokes(name)) {
                    args.add("--revoke");
                }
                if (name.equals("probe-cdev") || name.equals("probe-legacy")) {
                    args.add("--open-path");
                    args.add(name.equals("probe-cdev") ? "CDEV" : "LEGACY");
                }
                for (JsonNode d : real.path("devices")) {
                    args.add("--device");
                    args.add(d.path("bdf").asText());
                }
                JsonNode lab = ProbeConformance.cliJson(args.toArray(new String[0]));
                assertEquals(profile, lab.path("kernel").path("profile").asText(), "the lab host models profile "
                        + lab.path("kernel").path("profile").asText() + ", but the kernel that ran (" + release
                        + ") gets profile " + profile);
                List<String> diffs = ProbeConformance.identical(lab, real, !set.equals("intel"), false);
                if (!diffs.isEmpty()) {
                    fail(kernel + "/" + set + ", " + name + ": lab:qemu-q35 (profile " + profile + ") differs from the "
                            + "real kernel " + release + " in " + diffs.size() + " point(s) (expected = real, got = lab):"
                            + "\n  " + String.join("\n  ", diffs) + "\nreal:\n" + real.toPrettyString() + "\nlab:\n"
                            + lab.toPrettyString());
                }
            }
        } finally {
            Files.deleteIfExists(scenario);
        }
    }

    /** lab:qemu-q35 as a scenario file with {@code profile} (the built-in one names linux-7.2). */
    static Path labScenarioWithProfile(String profile) throws IOException {
        String q35;
        try (java.io.InputStream in = KernelLabIT.class.getResourceAsStream(
                "/org/vfioinspector/bridge/lab/scenarios/qemu-q35.yaml")) {
            q35 = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(q35.contains("profile: linux-7.2\n"), "qemu-q35.yaml no longer names linux-7.2");
        Path f = Files.createTempFile("qemu-q35-" + profile, ".yaml");
        Files.writeString(f, q35.replace("profile: linux-7.2\n", "profile: " + profile + "\n"));
        return f;
    }

    /**
     * probe names the kernel profile that list chose for the same host: on Debian's kernel the variant without
     * iommufd (no /dev/iommu, no iommufd module), on the built kernel its release's own.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void probeNamesTheProfileListChose(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        String listed = json(r, "list").path("host").path("profile").path("name").asText();
        KernelProfile want = KernelProfiles.forHost(r.path("kernelVersion").asText(), IOMMUFD.equals(kernel)).profile();
        assertEquals(IOMMUFD.equals(kernel), want.iommufd(), kernel + ": profile " + want.name());
        assertEquals(want.name(), listed, kernel + "/" + set + ": list's profile");
        for (String name : probeCommands(kernel)) {
            assertEquals(listed, json(r, name).path("kernel").path("profile").asText(),
                    kernel + "/" + set + ", " + name + ": probe's profile vs list's");
        }
    }

    /**
     * {@code probe --open-path CDEV} on Debian's kernel: there is no /dev/iommu, so every open is refused at its first
     * step (ENOENT), saying that the kernel has no iommufd and to use the legacy path, and nothing else is probed.
     */
    // none where kernelLab.kernels leaves that kernel out
    @ParameterizedTest(name = "{0} kernel, device set {1}", allowZeroInvocations = true)
    @MethodSource("legacyOnlyRuns")
    void cdevIsRefusedWhereTheKernelHasNoIommufd(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        JsonNode probe = json(r, "probe-cdev");
        assertTrue(probe.path("devices").size() > 0, "probe-cdev: no device");
        for (JsonNode d : probe.path("devices")) {
            String bdf = d.path("bdf").asText();
            assertEquals("cdev", d.path("openPath").asText(), bdf + ": " + d);
            assertEquals("ENOENT", d.path("open").asText(), bdf + ": " + d);
            assertTrue(d.path("regions").isEmpty(), bdf + ": " + d);
            assertTrue(d.path("note").asText().contains("open on iommu") && d.path("note").asText().contains(
                    "no iommufd") && d.path("note").asText().contains("legacy"), bdf + " note: " + d.path("note"));
        }
    }

    /**
     * Every fd a session acquires is closed in reverse order, on close and when the open fails half way, on the real
     * kernel (guest command open-unwind, {@link OpenUnwindCheck}): a failure injected at every step of a clean open on
     * each path the kernel has, and the real refusals the kernel can be made to give (the group held open: BIND
     * EBUSY; the cdev bound: the group's open EBUSY; no MSI isolation under virtio-iommu: BIND EPERM; a device not in
     * the group: GET_DEVICE_FD; no /dev/iommu on Debian's kernel). /proc/self/fd is checked after each case.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}")
    @MethodSource("runs")
    void everyFdIsClosedInReverseOrderAlsoWhenAnOpenFailsHalfWay(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        JsonNode c = command(r, "open-unwind");
        String out = Files.readString(dir(kernel, set).resolve("open-unwind.stdout"));
        List<String> cases = out.lines().filter(l -> l.startsWith("CASE ")).toList();
        List<String> failures = cases.stream().filter(l -> l.split(" ", 4)[2].equals("FAIL")).toList();
        assertTrue(failures.isEmpty() && c.path("exitCode").asInt(-1) == 0, kernel + "/" + set + ": open-unwind exited "
                + c.path("exitCode") + ", failed cases:\n  " + String.join("\n  ", failures) + "\nstderr:\n"
                + tail(dir(kernel, set).resolve("open-unwind.stderr"), 20));
        List<String> names = cases.stream().map(l -> l.split(" ", 4)[1]).toList();
        List<String> want = new java.util.ArrayList<>(List.of("legacy-clean", "legacy-real-device-not-in-group"));
        // legacy: open container, API version, TYPE1v2 extension, open group, group status, SET_CONTAINER,
        // SET_IOMMU, GET_DEVICE_FD
        for (int k = 1; k <= 8; k++) {
            want.add("legacy-inject-step" + k);
        }
        if (IOMMUFD.equals(kernel)) {
            want.addAll(List.of("cdev-clean", "cdev-real-group-open", "legacy-real-cdev-bound", "cdev-clean-again",
                    "legacy-clean-again"));
            // cdev: open iommu, open vfio/devices/vfioN, BIND_IOMMUFD, IOAS_ALLOC, ATTACH_IOMMUFD_PT
            for (int k = 1; k <= 5; k++) {
                want.add("cdev-inject-step" + k);
            }
            if (set.equals("virtio")) {
                want.add("cdev-real-no-msi-isolation");
            }
        } else {
            want.add("cdev-real-no-iommufd");
        }
        List<String> missing = want.stream().filter(w -> !names.contains(w)).toList();
        assertTrue(missing.isEmpty(), kernel + "/" + set + ": open-unwind did not run " + missing + "; it ran " + names);
    }

    /** §9 as the given set should show it: all devices for intel; for another vIOMMU, those it has, groups aside. */
    private static JsonNode section9For(String kernel, String set) throws IOException {
        JsonNode all = ProbeConformance.section9();
        if (set.equals("intel")) {
            return all;
        }
        List<String> bound = boundByGuest(kernel, set);
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

    // ---- the DMA witness (issue 14, facts §11) ----------------------------------------------------

    /** The intel set on every kernel: edu 00:03.0 is the DMA engine, ivshmem 00:05.0 BAR2 the peer. */
    static Stream<Arguments> intelRuns() {
        return runs().filter(a -> "intel".equals(a.get()[1]));
    }

    static Stream<Arguments> iommufdIntelRuns() {
        return iommufdRuns().filter(a -> "intel".equals(a.get()[1]));
    }

    /**
     * The GUI on the real kernel (guest command "gui-tryit": {@link GuiTryItCheck}, the app's main window headless
     * on this machine, nvme 00:07.0): every action that changes the device asked first, and a cancelled reset did
     * nothing; the revocation view followed the kernel's own events (tracefs) — the dma-buf and the mmap revoked and
     * restored by the reset, revoked by memory-off, restored by memory-on, dead after the close — and, on the iommufd
     * kernel, iommufd's attachment with them. Debian's kernel offers no importer and says why.
     *
     * <p>Then the DMA witness through the try-it panel, edu 00:03.0 reading nvme 00:07.0's BAR0: on the iommufd kernel
     * the dma-buf half (iommufd into edu's IOAS: reached, an IOMMU fault after memory-off, still after memory-on, reached
     * after a map again, a fault after the reset, reached after a map again, a fault after nvme's close), on both
     * kernels the type1 half (reached, and after nvme's close and unbind reached again: the use-after-free); each
     * prediction shown beside its button equals the real kernel's answer, and the journal has every action in order.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}", allowZeroInvocations = true) // none without intel
    @MethodSource("intelRuns")
    void guiFollowsTheRealKernelsRevocationsLive(String kernel, String set) throws IOException {
        JsonNode g = json(results(kernel, set), "gui-tryit");
        assertTrue(g.path("error").isMissingNode(), kernel + ": the GUI flow stopped: " + g.toPrettyString());
        assertFalse(g.path("lab").asBoolean());
        boolean iommufd = IOMMUFD.equals(kernel);
        List<String> importers = new java.util.ArrayList<>();
        g.path("importers").forEach(i -> importers.add(i.asText()));
        // iommufd into nvme's own IOAS, and into the IOAS of each edu (a DMA engine the witness drives)
        assertEquals(iommufd ? List.of("iommufd", "iommufd → 0000:00:03.0", "iommufd → 0000:02:00.0") : List.of(),
                importers, g.toPrettyString());
        if (!iommufd) {
            assertTrue(g.path("importerWhy").asText().contains("iommufd"), g.path("importerWhy").asText());
        }
        List<String> diffs = new java.util.ArrayList<>();
        java.util.Map<String, String> want = new java.util.LinkedHashMap<>();
        want.put("mmap", "mmap: ok|active");
        want.put("export", "dma-buf: ok|active");
        if (iommufd) {
            want.put("attach", "attached|active");
        }
        want.put("reset/cancel", "unchanged|active");
        want.put("reset", "reset: ok|restored");
        want.put("memory-off", "memory off: ok|revoked");
        want.put("memory-on", "memory on: ok|restored");
        want.put("close", "closed|dead");
        List<String> got = new java.util.ArrayList<>();
        for (JsonNode st : g.path("steps")) {
            String action = st.path("action").asText() + ("cancel".equals(st.path("answer").asText()) ? "/cancel" : "");
            String badge = st.path("badge").asText();
            // the dma-buf and the attachment; the mmap too, except that the real kernel's reset zaps it without
            // the traced vfio_pci_zap_and_down_write_memory_lock (only the dma-buf moves are seen): usable either way
            java.util.Set<String> states = new java.util.TreeSet<>();
            st.path("states").fields().forEachRemaining(e -> {
                boolean mmapAtReset = e.getKey().startsWith("mmap ") && action.equals("reset");
                states.add(mmapAtReset && e.getValue().asText().equals("active") ? "restored" : e.getValue().asText());
            });
            got.add(action);
            String w = want.get(action);
            if (w == null) {
                diffs.add(action + ": not expected");
                continue;
            }
            String wantBadge = w.substring(0, w.indexOf('|'));
            String wantState = w.substring(w.indexOf('|') + 1);
            if (!badge.equals(wantBadge)) {
                diffs.add(action + ": badge '" + badge + "' (" + st.path("text").asText() + "), want '" + wantBadge + "'");
            }
            if (!states.equals(java.util.Set.of(wantState))) {
                diffs.add(action + ": tracked states " + st.path("states") + ", want all " + wantState);
            }
            if (!action.equals("mmap") && !st.path("asked").asText().contains("on this machine?")) {
                diffs.add(action + ": the GUI did not ask before acting on a real host: " + st.path("asked"));
            }
            String events = st.path("events").toString();
            if (action.equals("reset/cancel") && !st.path("events").isEmpty()) {
                diffs.add("the cancelled reset still caused events " + events);
            }
            if (action.equals("reset") && !(events.contains("REVOKE") && events.contains("RESTORE"))) {
                diffs.add("reset: events " + events + ", want REVOKE and RESTORE from tracefs");
            }
        }
        assertEquals(List.copyOf(want.keySet()), got, g.toPrettyString());
        if (iommufd) {
            long attachments = 0;
            for (java.util.Iterator<String> it = g.path("steps").path(got.size() - 1).path("states").fieldNames();
                 it.hasNext(); ) {
                attachments += it.next().startsWith("attachment iommufd") ? 1 : 0;
            }
            assertEquals(1, attachments, "iommufd's attachment is tracked: " + g.toPrettyString());
        }
        // the session journal the GUI wrote in its state directory: every action, in order, the cancelled reset as
        // "cancelled" (the operator's answer is part of the record)
        List<String> journal = GuiTryItCheckTest.actions(g);
        List<String> wantJournal = new java.util.ArrayList<>(List.of("ACTION mmap ok", "ACTION export ok"));
        if (iommufd) {
            wantJournal.add("ACTION attach ok");
        }
        wantJournal.addAll(List.of("ACTION reset cancelled", "ACTION reset ok", "ACTION memory-off ok", "ACTION memory-on ok",
                "ACTION close ok"));
        if (journal.size() < wantJournal.size() || !journal.subList(0, wantJournal.size()).equals(wantJournal)) {
            diffs.add("journal " + journal + ", want it to start with " + wantJournal);
        }
        // the witness, through the panel: badges and predictions as on the lab (GuiTryItCheckTest), the real kernel's
        List<String> witness = GuiTryItCheckTest.witness(g);
        List<String> wantWitness = new java.util.ArrayList<>();
        if (iommufd) {
            wantWitness.addAll(GuiTryItCheckTest.DMA_BUF_HALF);
        } else if (!g.path("dmaBufSkipped").asText().contains("no iommufd")) {
            diffs.add("Debian's kernel: the dma-buf half must be left out for want of iommufd: " + g.path("dmaBufSkipped"));
        }
        wantWitness.addAll(List.of("type1 map-type1 type1: mapped [→ ok, no reference]",
                "type1 dma-read reached 0000:00:07.0 BAR0 [→ reaches BAR0]", "type1 close closed [→ ok, revokes for good]",
                "type1 unbind unbind [→ ok]", "type1 dma-read use-after-free [→ reaches: use-after-free]"));
        if (!witness.equals(wantWitness)) {
            diffs.add("witness " + witness + ",\n   want " + wantWitness);
        }
        for (JsonNode st : g.path("witness")) {
            if (!st.path("asked").asText().contains("on this machine?")) {
                diffs.add("witness " + st.path("action").asText() + ": the GUI did not ask: " + st.path("asked"));
            }
        }
        List<String> dmaReads = journal.stream().filter(l -> l.startsWith("ACTION dma-read ")).toList();
        List<String> wantReads = new java.util.ArrayList<>();
        if (iommufd) {
            wantReads.addAll(List.of("reached", "iommu-fault", "iommu-fault", "reached", "iommu-fault", "reached",
                    "iommu-fault"));
        }
        wantReads.addAll(List.of("reached", "reached"));
        if (!dmaReads.equals(wantReads.stream().map(w -> "ACTION dma-read " + w).toList())) {
            diffs.add("journal's DMA reads " + dmaReads + ", want " + wantReads);
        }
        List<String> tail = journal.subList(Math.max(0, journal.size() - 5), journal.size());
        if (!tail.equals(List.of("ACTION map-type1 ok", "ACTION dma-read reached", "ACTION close ok", "ACTION unbind ok",
                "ACTION dma-read reached"))) {
            diffs.add("the journal must end with the type1 half in order: " + tail);
        }
        if (!g.path("witnessObjects").toString().contains("active | use-after-free")) {
            diffs.add("the type1 map must still be active with its use-after-free read: " + g.path("witnessObjects"));
        }
        // exercise 4 ("the old type1 peer-to-peer path") evaluated on this session's journal: every step met where B's
        // own importer could attach (iommufd into edu's IOAS), the type1 map and the DMA read before the unbind else
        int exercise4 = g.path("exercise4").size();
        if (exercise4 != (iommufd ? g.path("exercise4Steps").asInt(-1) : 2)) {
            diffs.add("exercise 4's steps met on the real kernel's answers: " + g.path("exercise4") + " of "
                    + g.path("exercise4Steps"));
        }
        if (!"0000:00:07.0".equals(g.path("rebound").asText())) {
            diffs.add("nvme was not bound to vfio-pci again: " + g.path("rebindError"));
        }
        assertTrue(diffs.isEmpty(), kernel + "/" + set + ": the GUI on the real kernel:\n  " + String.join("\n  ", diffs)
                + "\n" + g.toPrettyString());
    }

    /** The one report of a {@code witness --json --half H} guest command, which must have run to its end. */
    static JsonNode witness(JsonNode results, String name, String half) throws IOException {
        JsonNode doc = json(results, name);
        assertEquals(1, doc.path("reports").size(), name + ": " + doc.toPrettyString());
        JsonNode r = doc.path("reports").get(0);
        assertEquals(half, r.path("half").asText(), name);
        assertTrue(r.path("error").isNull(), name + " stopped: " + r.path("error").asText());
        return r;
    }

    static JsonNode witnessStep(JsonNode report, String id) {
        for (JsonNode s : report.path("steps")) {
            if (id.equals(s.path("id").asText())) {
                return s;
            }
        }
        return fail("the witness has no step '" + id + "': " + report.toPrettyString());
    }

    /** A look saw exactly the peer's bytes (or, with {@code reached} false, anything else). */
    static void assertLook(JsonNode report, String id, boolean reached) {
        JsonNode s = witnessStep(report, id);
        String expected = s.path("expected").asText();
        String seen = s.path("seen").asText();
        if (reached) {
            assertEquals("reached", s.path("reach").asText(), id + ": " + s);
            assertEquals(expected, seen, id + ": the bytes edu's DMA read are not the peer's");
        } else {
            assertEquals("not-reached", s.path("reach").asText(), id + ": " + s);
            assertTrue(!seen.isEmpty() && !seen.equals(expected), id + ": " + s);
        }
    }

    static void assertAnswer(JsonNode report, String id, String answer) {
        JsonNode s = witnessStep(report, id);
        assertEquals(answer, s.path("answer").asText(), id + ": " + s);
    }

    /**
     * The type1 use-after-free on the real kernel: ivshmem's BAR2 page (the pattern a0 a1 ... the witness wrote
     * through its mmap) mapped with VFIO_IOMMU_MAP_DMA into edu's container; after munmap, close of the device and
     * group fds and the unbind from vfio-pci, edu's DMA from the same IOVA still returns those bytes.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}", allowZeroInvocations = true) // none without intel
    @MethodSource("intelRuns")
    void type1WitnessStillReachesTheUnboundPeer(String kernel, String set) throws IOException {
        JsonNode w = witness(results(kernel, set), "witness-type1", "type1");
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            pattern.append(String.format("%02x", 0xa0 + i));
        }
        assertEquals(pattern.toString(), w.path("expected").asText(), "the peer's BAR did not keep the pattern");
        assertAnswer(w, "map-dma", "ok");
        assertLook(w, "reach-mapped", true);
        for (String id : List.of("munmap", "close-device", "close-group", "unbind")) {
            assertAnswer(w, id, "ok");
        }
        assertLook(w, "reach-after-unbind", true);
        assertTrue(w.path("verdict").asText().startsWith("use-after-free"), w.path("verdict").asText());
        // the lab's model of the same devices (qemu-q35, edu with a DMA engine) sees the same, step by step
        JsonNode lab = ProbeConformance.cliJson("witness", "--json", "--host", "lab:qemu-q35", "--half", "type1",
                "--engine", "0000:00:03.0", "--peer", "0000:00:05.0", "--bar", "2", "--write-pattern", "--rebind")
                .path("reports").get(0);
        List<String> diffs = witnessDiffs(w, lab, List.of("id", "answer", "reach", "seen"), java.util.Set.of());
        assertTrue(diffs.isEmpty(), kernel + "/" + set + ": the lab's type1 witness differs from the real kernel's:\n  "
                + String.join("\n  ", diffs));
    }

    /**
     * Where the lab's witness report differs from the real one, step by step in order: each of {@code fields}
     * (id, answer, reach, seen), leaving out the steps named in {@code notModelled}.
     */
    static List<String> witnessDiffs(JsonNode real, JsonNode lab, List<String> fields, java.util.Set<String> notModelled) {
        List<JsonNode> r = new java.util.ArrayList<>();
        List<JsonNode> m = new java.util.ArrayList<>();
        real.path("steps").forEach(x -> {
            if (!notModelled.contains(x.path("id").asText())) {
                r.add(x);
            }
        });
        lab.path("steps").forEach(x -> {
            if (!notModelled.contains(x.path("id").asText())) {
                m.add(x);
            }
        });
        List<String> diffs = new java.util.ArrayList<>();
        for (int i = 0; i < Math.max(r.size(), m.size()); i++) {
            JsonNode a = i < r.size() ? r.get(i) : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            JsonNode b = i < m.size() ? m.get(i) : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            for (String f : fields) {
                if (!a.path(f).equals(b.path(f))) {
                    diffs.add("step " + i + " (" + a.path("id").asText() + ") " + f + ": real " + a.path(f) + ", lab "
                            + b.path(f));
                }
            }
        }
        return diffs;
    }

    /**
     * The dma-buf fix on the iommufd kernel (facts §11): ivshmem's BAR2 page exported and mapped with
     * IOMMU_IOAS_MAP_FILE into edu's IOAS reaches; memory-off cuts it off (and a new MAP_FILE is ENODEV); memory-on
     * alone does not bring it back; unmap + a new MAP_FILE does; close of the peer's device fd cuts it off for good.
     * The IOMMU's fault for edu at the peer's IOVA is in the guest's kernel log.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}", allowZeroInvocations = true) // none without iommufd
    @MethodSource("iommufdIntelRuns")
    void dmaBufWitnessIsCutOffByEachRevoke(String kernel, String set) throws IOException {
        JsonNode r = results(kernel, set);
        JsonNode w = witness(r, "witness-dmabuf", "dma-buf");
        assertAnswer(w, "map-file", "ok");
        assertLook(w, "reach-mapped", true);
        assertAnswer(w, "memory-off", "ok");
        assertLook(w, "reach-memory-off", false);
        assertAnswer(w, "map-file-revoked", "ENODEV");
        assertLook(w, "reach-memory-on", false);
        assertAnswer(w, "map-file-again", "ok");
        assertLook(w, "reach-remapped", true);
        assertTrue(witnessStep(w, "reset").path("answer").asText().startsWith("skipped"), "ivshmem on the root bus "
                + "has no reset: " + witnessStep(w, "reset"));
        assertAnswer(w, "close-peer", "ok");
        assertLook(w, "reach-closed", false);
        assertAnswer(w, "map-file-closed", "ENODEV");
        String dmesg = successfulOutput(r, "dmesg");
        assertTrue(dmesg.contains("Request device [0000:00:03.0] fault addr 0x100000"), "no IOMMU fault of edu at "
                + "0x100000 in the guest's dmesg:\n" + dmesg.lines().filter(l -> l.contains("DMAR")).toList());
        // the lab's model of the same devices (qemu-q35: edu's DMA engine, the cdev path, the IOAS) sees the same,
        // step by step, the bytes included, and logs the same fault line
        JsonNode lab = ProbeConformance.cliJson("witness", "--json", "--host", "lab:qemu-q35", "--half", "dma-buf",
                "--engine", "0000:00:03.0", "--peer", "0000:00:05.0", "--bar", "2", "--write-pattern")
                .path("reports").get(0);
        List<String> diffs = witnessDiffs(w, lab, List.of("id", "answer", "reach", "seen"), java.util.Set.of());
        assertTrue(diffs.isEmpty(), kernel + "/" + set + ": the lab's dma-buf witness differs from the real kernel's:\n  "
                + String.join("\n  ", diffs));
    }

    /** The reset trigger, on a peer the kernel can reset (e1000e 01:00.0 behind a root port, BAR0). */
    @ParameterizedTest(name = "{0} kernel, device set {1}", allowZeroInvocations = true) // none without iommufd
    @MethodSource("iommufdIntelRuns")
    void dmaBufWitnessIsCutOffByAReset(String kernel, String set) throws IOException {
        JsonNode w = witness(results(kernel, set), "witness-dmabuf-reset", "dma-buf");
        assertLook(w, "reach-mapped", true);
        assertAnswer(w, "reset", "ok");
        assertLook(w, "reach-reset", false);
        assertAnswer(w, "map-file-after-reset", "ok");
        assertLook(w, "reach-reset-remapped", true);
        assertLook(w, "reach-closed", false);
        // the lab, step by step: answers and reach; not the bytes (the lab models e1000e's first register only)
        JsonNode lab = ProbeConformance.cliJson("witness", "--json", "--host", "lab:qemu-q35", "--half", "dma-buf",
                "--engine", "0000:00:03.0", "--peer", "0000:01:00.0", "--bar", "0").path("reports").get(0);
        List<String> diffs = witnessDiffs(w, lab, List.of("id", "answer", "reach"), java.util.Set.of());
        assertTrue(diffs.isEmpty(), kernel + "/" + set + ": the lab's dma-buf reset witness differs from the real "
                + "kernel's:\n  " + String.join("\n  ", diffs));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static final Pattern BOUND = Pattern.compile("^@@VFIOINSP BOUND (\\S+) ");

    /** BDFs the guest's /init reported as bound to vfio-pci (console markers). */
    static List<String> boundByGuest(String kernel, String set) throws IOException {
        try (Stream<String> lines = Files.lines(dir(kernel, set).resolve("console.log"), StandardCharsets.ISO_8859_1)) {
            return lines.map(BOUND::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
        }
    }

    // ---- P2P: what the kernel answers an importer *device* (issue 16) ------------------------------

    /**
     * list --json's p2p verdicts (pci_p2pdma_distance over the scanned topology, HostTopology) are what the real
     * kernel answers when a PCI device imports a VFIO dma-buf: guest command "p2p-import" loads the test importer
     * module (kernel-lab/importer, built by build-importer.sh for the iommufd kernel), exports every memory BAR of
     * every vfio-pci device and has the module attach and map it as every PCI device of the guest — the exporter
     * itself, the root ports and the host bridge included. Every attach succeeds (a dynamic peer2peer importer),
     * every map is the verdict's result, and a bus-address map gives the BAR's own address.
     */
    @ParameterizedTest(name = "{0} kernel, device set {1}", allowZeroInvocations = true) // none without intel
    @MethodSource("intelRuns")
    void p2pVerdictsAreWhatTheKernelAnswersAnImporterDevice(String kernel, String set) throws IOException {
        assumeTrue(IOMMUFD.equals(kernel), "Debian's kernel: the test importer module is built for the iommufd "
                + "kernel only. For Debian's 7.2.13+deb14-amd64 an out-of-tree module needs Debian's kernel headers "
                + "(linux-headers-<V>, which the harness does not fetch) and Debian's compiler: its config says "
                + "CONFIG_CC_VERSION_TEXT=x86_64-linux-gnu-gcc-16, this machine builds with gcc 12");
        JsonNode r = results(kernel, set);
        JsonNode list = JSON.readTree(successfulOutput(r, "list"));
        JsonNode sweep = json(r, "p2p-import");
        P2pVsImport.Result v = P2pVsImport.compare(list, sweep);
        System.out.println("[KernelLabIT] " + kernel + "/" + set + " p2p-import: " + v.compared() + " pairs over "
                + v.exports() + " exported BARs, " + v.ok() + " mapped: " + v.okPairs() + ", " + v.refused()
                + " refused, " + v.unknown() + " unknown");
        assertTrue(v.exports() >= 8, kernel + "/" + set + ": only " + v.exports() + " BARs exported: " + sweep);
        assertTrue(v.compared() >= 100, kernel + "/" + set + ": only " + v.compared() + " pairs compared");
        assertEquals(0, v.unknown(), "list ran as root: no verdict may be unknown");
        if (!v.diffs().isEmpty()) {
            fail(kernel + "/" + set + ": list's p2p verdicts differ from what the real kernel " + r.path("kernelVersion")
                    .asText() + " answered in " + v.diffs().size() + " of " + v.compared() + " pairs:\n  "
                    + String.join("\n  ", v.diffs()));
        }
        // the why, too: the kernel warns "ACS redirect is set between the client and provider" for exactly the
        // pairs whose rule blames ACS redirect (q35's root ports above their own devices), the others meet nowhere
        String warnings = Files.readString(dir(kernel, set).resolve("p2p-import.stderr"));
        java.util.Set<String> kernelBlamesAcs = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]): ACS redirect is set between the "
                + "client and provider \\(([^)]+)\\)").matcher(warnings);
        while (m.find()) {
            kernelBlamesAcs.add(m.group(2) + " -> " + m.group(1));
        }
        java.util.Set<String> exported = new java.util.HashSet<>();
        sweep.path("exports").forEach(e -> {
            if ("ok".equals(e.path("export").asText())) {
                exported.add(e.path("exporter").asText());
            }
        });
        java.util.Set<String> listBlamesAcs = new java.util.TreeSet<>();
        for (JsonNode p : list.path("p2p")) {
            if (exported.contains(p.path("exporter").asText())
                    && p.path("rule").asText().contains("but ACS redirect on")) {
                listBlamesAcs.add(p.path("exporter").asText() + " -> " + p.path("importer").asText());
            }
        }
        assertFalse(listBlamesAcs.isEmpty(), "q35's root ports redirect: some rule must name ACS redirect");
        assertEquals(listBlamesAcs, kernelBlamesAcs, "pairs whose P2P goes through the host bridge because of ACS "
                + "redirect: list's rules vs the kernel's warnings (p2p-import.stderr)");
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
