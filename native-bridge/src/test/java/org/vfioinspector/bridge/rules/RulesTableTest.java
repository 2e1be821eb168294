package org.vfioinspector.bridge.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vfioinspector.bridge.model.PciAddress;
import org.vfioinspector.bridge.model.Region;
import org.vfioinspector.bridge.model.RegionKind;
import org.vfioinspector.bridge.uapi.Vfio;
import org.vfioinspector.bridge.uapi.VfioDmaBuf;

/** Every rule, every profile, with the expected errno. */
class RulesTableTest {
    static final long PAGE = 4096;
    static final PciAddress DEV = PciAddress.parse("0000:00:05.0");

    /** BAR0 mem 1 MiB, BAR1 io 256, BAR2 sub-page 256 @ page-aligned, BAR3 sub-page unaligned, BAR4 mem64 16K (MSI-X). */
    static DeviceFacts device(boolean nonMappable, boolean reset) {
        List<BarFacts> bars = new ArrayList<>(List.of(
                BarFacts.mem(0, 0xfea00000L, 1 << 20, false, false),
                BarFacts.io(1, 0xd000, 256),
                BarFacts.mem(2, 0xfeb67000L, 256, false, false),
                BarFacts.mem(3, 0xfeb68100L, 256, false, false),
                BarFacts.mem(4, 0xfeb60000L, 16384, true, false)));
        return new DeviceFacts(DEV, DeviceFacts.slots(bars), 0x40000, 4096, nonMappable, reset, 4, false, true);
    }

    static KernelProfile profile(String name) {
        return KernelProfiles.byName(name).orElseThrow();
    }

    @ParameterizedTest(name = "probe BAR{0} nonMappable={1} → {2}")
    @CsvSource({
        "0, false, YES, at least a page",
        "1, false, NO, I/O port BAR",
        "2, false, YES, vfio sub-page reserved",
        "3, false, NO, does not start on a page boundary",
        "4, false, YES, at least a page",
        "5, false, NO, unimplemented BAR",
        "0, true, NO, non_mappable_bars",
        "4, true, NO, non_mappable_bars",
    })
    void probeMmaps(int bar, boolean nonMappable, Verdict.Outcome want, String why) {
        Verdict v = MmapRules.probe(device(nonMappable, false), bar);
        assertEquals(want, v.outcome(), v.toString());
        assertTrue(v.rule().condition().contains(why), v.toString());
        assertEquals("vfio_pci_probe_mmaps", v.rule().function());
    }

    @Test
    void subPageRestOfPageTaken() {
        DeviceFacts d = device(false, false);
        List<BarFacts> bars = new ArrayList<>(d.bars());
        bars.set(2, bars.get(2).withRestOfPageFree(false));
        DeviceFacts taken = new DeviceFacts(DEV, bars, 0, 256, false, false, -1, false, true);
        assertEquals(Verdict.Outcome.NO, MmapRules.probe(taken, 2).outcome());
        bars.set(2, bars.get(2).withRestOfPageFree(null));
        DeviceFacts unknown = new DeviceFacts(DEV, bars, 0, 256, false, false, -1, false, true);
        assertEquals(Verdict.Outcome.UNKNOWN, MmapRules.probe(unknown, 2).outcome());
    }

    @ParameterizedTest(name = "mmap index {0} off {1} len {2} shared {3} → {4}")
    @CsvSource({
        "0, 0, 1048576, true, ok",
        "0, 0, 4096, false, EINVAL",
        "0, 0, 0, true, EINVAL",
        "0, 0, 2097152, true, EINVAL",
        "0, 1044480, 8192, true, EINVAL",
        "1, 0, 4096, true, EINVAL",
        "2, 0, 4096, true, ok",
        "2, 0, 8192, true, EINVAL",
        "3, 0, 4096, true, EINVAL",
        "5, 0, 4096, true, EINVAL",
        "6, 0, 4096, true, EINVAL",
        "7, 0, 4096, true, EINVAL",
        "8, 0, 4096, true, EINVAL",
        "9, 0, 4096, true, EINVAL",
    })
    void coreMmap(int index, long off, long len, boolean shared, String want) {
        DeviceFacts d = device(false, false);
        Verdict v = MmapRules.mmap(d, index, off, len, shared, index < 6 ? MmapRules.barSetupError(d.bar(index)) : null);
        assertEquals(want, v.result(), v.toString());
    }

    @Test
    void mmapBarSetupFailureIsEbusy() {
        DeviceFacts d = device(false, false);
        List<BarFacts> bars = new ArrayList<>(d.bars());
        bars.set(0, bars.get(0).withRequestOk(false));
        DeviceFacts busy = new DeviceFacts(DEV, bars, 0, 256, false, false, -1, false, true);
        assertEquals("EBUSY", MmapRules.mmap(busy, 0, 0, PAGE, true, MmapRules.barSetupError(busy.bar(0))).result());
    }

    @ParameterizedTest(name = "region info {0} → {1} flags {2} size {3} caps {4}")
    @CsvSource({
        "0, ok, 7, 1048576, 0",
        "1, ok, 3, 256, 0",
        "2, ok, 7, 256, 0",
        "3, ok, 3, 256, 0",
        "4, ok, 7, 16384, 1",
        "5, ok, 0, 0, 0",
        "6, ok, 1, 262144, 0",
        "7, ok, 3, 4096, 0",
        "8, EINVAL, 0, 0, 0",
        "9, EINVAL, 0, 0, 0",
    })
    void regionInfo(int index, String want, int flags, long size, int caps) {
        RegionInfoRules.Info i = RegionInfoRules.info(device(false, false), index);
        assertEquals(want, i.verdict().result(), i.verdict().toString());
        assertEquals(flags, i.flags());
        assertEquals(size, i.size());
        assertEquals(caps, i.caps().size());
    }

    @Test
    void romAbsentAndVgaPresent() {
        DeviceFacts d = new DeviceFacts(DEV, DeviceFacts.slots(List.of()), 0, 256, false, false, -1, true, true);
        assertEquals(0, RegionInfoRules.info(d, 6).size());
        assertEquals(0, RegionInfoRules.info(d, 6).flags());
        assertEquals(0xc0000, RegionInfoRules.info(d, 8).size());
        DeviceFacts ism = device(true, false);
        assertEquals(0, RegionInfoRules.info(ism, 4).caps().size(), "no MSIX_MAPPABLE without mmap");
    }

    static final int GET = Vfio.VFIO_DEVICE_FEATURE_GET;
    static final int SET = Vfio.VFIO_DEVICE_FEATURE_SET;
    static final int PROBE = Vfio.VFIO_DEVICE_FEATURE_PROBE;

    static String export(String profile, DeviceFacts d, int flags, int index, int dbFlags, List<long[]> ranges,
                         boolean mem) {
        List<VfioDmaBuf.Range> rs = new ArrayList<>();
        for (long[] r : ranges) {
            rs.add(new VfioDmaBuf.Range(r[0], r[1]));
        }
        byte[] payload = new VfioDmaBuf(index, 0x80002, dbFlags, rs.size(), rs).encode();
        DmaBufRules.Export e = DmaBufRules.export(profile(profile), d, flags | Vfio.VFIO_DEVICE_FEATURE_DMA_BUF,
                8 + payload.length, payload, new DmaBufRules.DeviceState(mem, false));
        return e.verdict().result() + (e.probeOnly() ? "/probe" : "") + (e.revokedAtBirth() ? "/revoked" : "");
    }

    /** Facts §1.3 dispatch + §3.1 rows, per profile. Columns: profile, flags, index, flags field, ranges, expected. */
    @ParameterizedTest(name = "{0}: {6}")
    @CsvSource(delimiter = '|', value = {
        "linux-6.1 | GET | 0 | 0 | 0:4096 | true | ENOTTY",
        "linux-6.19 | GET | 0 | 0 | 0:4096 | true | ok",
        "linux-7.0 | GET | 0 | 0 | 0:4096 | true | ok",
        "linux-7.1 | GET | 0 | 0 | 0:4096 | true | ok",
        "linux-7.2 | GET | 0 | 0 | 0:4096 | true | ok",
        "linux-7.2 | GET | 0 | 0 | 0:1048576 | true | ok",
        "linux-7.2 | SET | 0 | 0 | 0:4096 | true | EINVAL",
        "linux-7.2 | GETSET | 0 | 0 | 0:4096 | true | EINVAL",
        "linux-7.2 | PROBEGET | 0 | 0 | 0:4096 | true | ok/probe",
        "linux-7.2 | PROBESET | 0 | 0 | 0:4096 | true | EINVAL",
        "linux-7.2 | NONE | 0 | 0 | 0:4096 | true | EINVAL",
        "linux-7.2 | GET | 0 | 0 | - | true | EINVAL",
        "linux-7.2 | GET | 0 | 1 | 0:4096 | true | EINVAL",
        "linux-7.2 | GET | 6 | 0 | 0:4096 | true | ENODEV",
        "linux-7.2 | GET | 7 | 0 | 0:4096 | true | ENODEV",
        "linux-7.2 | GET | 8 | 0 | 0:4096 | true | ENODEV",
        "linux-7.2 | GET | 5 | 0 | 0:4096 | true | ENODEV",
        "linux-7.0 | GET | 5 | 0 | 0:4096 | true | EINVAL",
        "linux-6.19 | GET | 5 | 0 | 0:4096 | true | EINVAL",
        "linux-7.2 | GET | 0 | 0 | 8:4096 | true | EINVAL",
        "linux-7.2 | GET | 0 | 0 | 0:100 | true | EINVAL",
        "linux-7.2 | GET | 0 | 0 | 0:0 | true | EINVAL",
        "linux-7.2 | GET | 0 | 0 | 0:1052672 | true | EINVAL",
        "linux-7.2 | GET | 0 | 0 | 1048576:4096 | true | EINVAL",
        "linux-7.2 | GET | 0 | 0 | 4096:4096 | true | ok",
        "linux-7.2 | GET | 0 | 0 | 0:4096,8192:4096 | true | ok",
        "linux-7.2 | GET | 0 | 0 | 0:8192,4096:4096 | true | ok",
        "linux-7.2 | GET | 0 | 0 | 0:-9223372036854775808 | true | EINVAL",
        "linux-7.2 | GET | 0 | 0 | 4096:9223372036854771712,4096:9223372036854771712 | true | EINVAL",
        "linux-7.2 | GET | 1 | 0 | 0:4096 | true | EINVAL",
        "linux-7.2 | GET | 2 | 0 | 0:256 | true | EINVAL",
        "linux-7.2 | GET | 2 | 0 | 0:4096 | true | EINVAL",
        "linux-7.2 | GET | 4 | 0 | 0:16384 | true | ok",
        "linux-7.2 | GET | 0 | 0 | 0:4096 | false | ok/revoked",
        "linux-6.19 | GET | 0 | 0 | 0:4096 | false | ok/revoked",
    })
    void dmaBufExport(String profile, String flags, int index, int dbFlags, String ranges, boolean mem, String want) {
        int f;
        switch (flags) {
            case "GET": f = GET; break;
            case "SET": f = SET; break;
            case "GETSET": f = GET | SET; break;
            case "PROBEGET": f = PROBE | GET; break;
            case "PROBESET": f = PROBE | SET; break;
            default: f = 0;
        }
        List<long[]> rs = new ArrayList<>();
        if (!ranges.equals("-")) {
            for (String r : ranges.split(",")) {
                String[] p = r.split(":");
                rs.add(new long[] {Long.parseLong(p[0]), Long.parseLong(p[1])});
            }
        }
        assertEquals(want, export(profile, device(false, false), f, index, dbFlags, rs, mem));
    }

    @Test
    void dispatchRules() {
        KernelProfile p = profile("linux-7.2");
        assertEquals("EINVAL", DmaBufRules.dispatch(p, GET | 11, 4).result());
        assertEquals("EINVAL", DmaBufRules.dispatch(p, GET | 11 | (1 << 20), 24).result());
        byte[] shortPayload = new byte[8];
        assertEquals("EINVAL", DmaBufRules.export(p, device(false, false), GET | 11, 16, shortPayload,
                new DmaBufRules.DeviceState(true, false)).verdict().result(), "argsz < 24");
        assertEquals("EFAULT", DmaBufRules.export(p, device(false, false), GET | 11, 24, shortPayload,
                new DmaBufRules.DeviceState(true, false)).verdict().result(), "header not readable");
        byte[] noRanges = new VfioDmaBuf(0, 0, 0, 3, List.of()).encode();
        assertEquals("EFAULT", DmaBufRules.export(p, device(false, false), GET | 11, 24, noRanges,
                new DmaBufRules.DeviceState(true, false)).verdict().result(), "ranges not readable");
        DeviceFacts noHook = new DeviceFacts(DEV, device(false, false).bars(), 0, 256, false, false, -1, false, false);
        byte[] ok = VfioDmaBuf.of(0, 0, List.of(new VfioDmaBuf.Range(0, PAGE))).encode();
        assertEquals("EOPNOTSUPP", DmaBufRules.export(p, noHook, GET | 11, 40, ok,
                new DmaBufRules.DeviceState(true, false)).verdict().result());
        assertEquals("ENODEV", DmaBufRules.export(p, device(false, false), GET | 11, 40, ok,
                new DmaBufRules.DeviceState(true, true)).verdict().result(), "unregistering");
    }

    /** The s390 ISM divergence: mmap refused everywhere; export allowed unless a fix is switched on. */
    @ParameterizedTest(name = "{0} {1} → mmap {2}, export {3}")
    @CsvSource({
        "linux-6.19, -, EINVAL, ok",
        "linux-7.0, -, EINVAL, ok",
        "linux-7.2, -, EINVAL, ok",
        "linux-7.2, p2pdmaRefusesNonMappableBars, EINVAL, EINVAL",
        "linux-7.2, exportChecksBarMmapSupported, EINVAL, EINVAL",
        "linux-6.1, -, EINVAL, ENOTTY",
    })
    void nonMappableBarsDivergence(String profileName, String sw, String mmap, String export) {
        KernelProfile p = profile(profileName);
        if (!sw.equals("-")) {
            p = p.with(Map.of(sw, true));
        }
        long tib256 = 256L << 40;
        Region bar = new Region(0, RegionKind.MEM64, 0x4000000000000L, tib256, 0x140204, false, false);
        Predictions.BarPrediction pr = Predictions.forBar(p, bar, new Predictions.DeviceQuirks(true, true, null));
        assertEquals(mmap, pr.mmap().result(), pr.mmap().toString());
        assertEquals(export, pr.dmaBuf().result(), pr.dmaBuf().toString());
        assertEquals(export.equals("ok"), pr.disagree());
    }

    @Test
    void predictionsForQemuBars() {
        KernelProfile p = profile("linux-7.2");
        Predictions.DeviceQuirks q = new Predictions.DeviceQuirks(false, true, true);
        Predictions.BarPrediction ivshmem = Predictions.forBar(p,
                new Region(0, RegionKind.MEM32, 0xfeb67000L, 256, 0x40200, false, false), q);
        assertEquals("ok", ivshmem.mmap().result());
        assertEquals("EINVAL", ivshmem.dmaBuf().result());
        assertTrue(ivshmem.disagree());
        Predictions.BarPrediction unknown = Predictions.forBar(p,
                new Region(0, RegionKind.MEM32, 0xfeb67000L, 256, 0x40200, false, false), Predictions.DeviceQuirks.none());
        assertEquals("unknown", unknown.mmap().result());
        assertFalse(unknown.disagree());
        Predictions.BarPrediction io = Predictions.forBar(p, new Region(1, RegionKind.IO, 0xd000, 256, 0x40101, false,
                false), q);
        assertEquals("EINVAL", io.mmap().result());
        assertEquals("EINVAL", io.dmaBuf().result());
        Predictions.BarPrediction rom = Predictions.forBar(p, new Region(6, RegionKind.ROM, 0xfeb00000L, 1 << 18,
                0x46200, true, true), q);
        assertEquals("ENODEV", rom.dmaBuf().result());
        assertTrue(io.mmap().rule().describe().startsWith("vfio_pci_core_mmap: !bar_mmap_supported[1] (BAR is not "
                + "IORESOURCE_MEM (I/O port BAR) → not mmappable)"), io.mmap().rule().describe());
    }

    static final ImporterRules.Importer DYN = new ImporterRules.Importer("rdma0", PciAddress.parse("0000:00:04.0"),
            true, true);

    @ParameterizedTest(name = "{0} attach p2p={1} revocable={2} revoked={3} → {4}")
    @CsvSource({
        "linux-7.2, true, true, false, ok",
        "linux-7.2, false, true, false, EOPNOTSUPP",
        "linux-7.2, true, true, true, ENODEV",
        "linux-7.2, true, false, false, EOPNOTSUPP",
        "linux-7.1, true, false, false, EOPNOTSUPP",
        "linux-7.0, true, false, false, EOPNOTSUPP",
        "linux-6.19, true, false, false, EOPNOTSUPP",
        "linux-6.19, true, true, false, ok",
    })
    void attach(String profileName, boolean p2p, boolean revocable, boolean revoked, String want) {
        Verdict v = ImporterRules.attach(profile(profileName), new ImporterRules.Importer("imp", DEV, p2p, revocable),
                new ImporterRules.BufState(revoked, false));
        assertEquals(want, v.result(), v.toString());
        if (!revocable && profileName.equals("linux-6.19")) {
            assertEquals("vfio_pci_dma_buf_pin", v.rule().function());
        }
    }

    /** q35: root-bus devices under host bridge 8086:29c0 (not whitelisted); a switch with and without ACS. */
    static final P2pTopology TOPO = new P2pTopology() {
        final Map<String, List<PciAddress>> up = Map.of(
                "0000:00:03.0", List.of(), "0000:00:04.0", List.of(),
                "0000:03:00.0", List.of(PciAddress.parse("0000:02:00.0"), PciAddress.parse("0000:01:00.0"),
                        PciAddress.parse("0000:00:1c.0")),
                "0000:03:01.0", List.of(PciAddress.parse("0000:02:01.0"), PciAddress.parse("0000:01:00.0"),
                        PciAddress.parse("0000:00:1c.0")),
                "0000:05:00.0", List.of(PciAddress.parse("0000:04:00.0"), PciAddress.parse("0000:00:1d.0")));

        @Override
        public List<PciAddress> upstreamBridges(PciAddress dev) {
            return up.get(dev.toString());
        }

        @Override
        public boolean acsRedirect(PciAddress bridge) {
            return bridge.toString().equals("0000:02:01.0") && acsOn;
        }

        @Override
        public boolean hostBridgeWhitelisted(PciAddress dev) {
            return false;
        }

        @Override
        public String hostBridgeId(PciAddress dev) {
            return "8086:29c0";
        }
    };
    static boolean acsOn;

    @ParameterizedTest(name = "map {0} → importer on {1}, revoked={2}, acs={3} → {4}")
    @CsvSource({
        "0000:00:03.0, 0000:00:04.0, false, false, EINVAL",
        "0000:00:03.0, 0000:00:03.0, false, false, ok",
        "0000:00:03.0, 0000:00:03.0, true, false, ENODEV",
        "0000:03:00.0, 0000:03:01.0, false, false, ok",
        "0000:03:00.0, 0000:03:01.0, false, true, EINVAL",
        "0000:03:00.0, 0000:05:00.0, false, false, EINVAL",
    })
    void map(String exporter, String importer, boolean revoked, boolean acs, String want) {
        acsOn = acs;
        Verdict v = ImporterRules.map(new ImporterRules.Importer("imp", PciAddress.parse(importer), true, true),
                new ImporterRules.BufState(revoked, false), PciAddress.parse(exporter), TOPO);
        assertEquals(want, v.result(), v.toString());
    }

    @Test
    void revocationRules() {
        assertEquals("EINVAL", RevocationRules.reset(device(false, false)).result());
        assertEquals("ok", RevocationRules.reset(device(false, true)).result());
        assertEquals("EIO", RevocationRules.barAccess(false, false).result());
        assertEquals("ok", RevocationRules.barAccess(true, false).result());
        assertEquals(Verdict.Outcome.NO, RevocationRules.fault(false, false).outcome());
        assertEquals(Verdict.Outcome.NO, RevocationRules.unbind(0, 1, 0).outcome());
        assertEquals(Verdict.Outcome.YES, RevocationRules.unbind(0, 0, 0).outcome());
    }

    @ParameterizedTest(name = "release {0} → {1}")
    @CsvSource({
        "7.2.13+deb14-amd64, linux-7.2, profile linux-7.2",
        "7.1.0, linux-7.1, profile linux-7.1",
        "7.3.1-arch1, linux-7.3, profile linux-7.3",
        "7.4.2, linux-7.3, nearest lower known release, linux-7.3",
        "7.3.9, linux-7.3, profile linux-7.3 (7.3.0 and later)",
        "6.19.2, linux-6.19, profile linux-6.19",
        "6.12.48+deb13-amd64, linux-6.1, nearest lower",
        "5.15.0-91-generic, linux-6.1, older than every",
        "7.0.5, linux-7.0, profile linux-7.0 (7.0.0 up to before 7.0.11",
        "7.0.10, linux-7.0, profile linux-7.0",
        "7.0.11, linux-7.0.11, profile linux-7.0.11",
        "7.0.14-1-pve, linux-7.0.11, profile linux-7.0.11",
    })
    void profileForRelease(String release, String profileName, String reason) {
        KernelProfiles.Choice c = KernelProfiles.forRelease(release);
        assertEquals(profileName, c.profile().name());
        assertTrue(c.reason().contains(reason), c.reason());
    }

    @Test
    void releaseChoiceIsByPatchLevelAndNeverAProposal() {
        assertFalse(KernelProfiles.forRelease("7.0.10").profile().barResourceCheckBeforeExport());
        assertTrue(KernelProfiles.forRelease("7.0.11").profile().barResourceCheckBeforeExport());
        for (String r : List.of("7.2.13", "7.9.0", "99.0.0")) {
            assertFalse(KernelProfiles.forRelease(r).profile().proposal(), r);
            assertEquals("release", KernelProfiles.forRelease(r).profile().kind(), r);
        }
        assertTrue(profile("proposal-evans-bar-mmap").proposal());
        assertTrue(profile("proposal-evans-bar-mmap").exportChecksBarMmapSupported());
        assertFalse(profile("linux-7.3").exportChecksBarMmapSupported());
    }

    @ParameterizedTest(name = "release {0}, iommufd seen {1} → {2}")
    @CsvSource({
        "7.2.13+deb14-amd64, false, linux-7.2-noiommufd",
        "7.2.13+deb14-amd64, true, linux-7.2",
        "7.2.13+deb14-amd64, , linux-7.2",
        "7.3.4+bpo-amd64, false, linux-7.3-noiommufd",
        "7.3.4+bpo-amd64, true, linux-7.3",
        "7.2.13-arch1, false, linux-7.2",
    })
    void debianBuildsWithoutIommufdGetTheVariant(String release, Boolean seen, String want) {
        KernelProfiles.Choice c = KernelProfiles.forHost(release, seen);
        assertEquals(want, c.profile().name(), c.reason());
        if (want.endsWith("noiommufd")) {
            assertFalse(c.profile().iommufd());
            assertFalse(c.profile().cdev());
            assertTrue(c.reason().contains("CONFIG_IOMMUFD"), c.reason());
        }
    }

    @Test
    void profilesAreData() {
        assertEquals(KernelProfiles.NAMES.size(), KernelProfiles.all().size());
        assertFalse(profile("linux-6.1").dmaBuf());
        assertEquals("pin", profile("linux-6.19").pinnedImporters());
        assertTrue(profile("linux-7.1").barResourceCheckBeforeExport());
        assertTrue(profile("linux-7.1").exporterWaitsForInvalidation());
        assertFalse(profile("linux-7.0").barResourceCheckBeforeExport());
        KernelProfile fixed = profile("linux-7.2").with(Map.of("p2pdmaRefusesNonMappableBars", true));
        assertTrue(fixed.p2pdmaRefusesNonMappableBars());
        assertTrue(fixed.name().contains("+p2pdmaRefusesNonMappableBars"));
    }
}
