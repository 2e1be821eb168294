package org.vfioinspector.bridge.kernel;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vfioinspector.bridge.model.PciAddress;

/**
 * Which sysfs attributes the inspector may write on a real host: only those that move a device to or from vfio-pci.
 * Everything else, and any attribute of a device bound to another driver, is refused before the file is opened, so a
 * device the user did not hand to vfio-pci is never written to.
 * <ul>
 *   <li>{@code bus/pci/drivers/vfio-pci/{bind,unbind,new_id,remove_id}} (the value is a BDF or IDs);</li>
 *   <li>{@code bus/pci/devices/BDF/driver_override} with {@code vfio-pci} (or empty, to clear it) — the documented
 *       way to hand a device to vfio-pci;</li>
 *   <li>{@code bus/pci/drivers_probe} with a BDF whose driver_override is the only effect;</li>
 *   <li>{@code bus/pci/devices/BDF/reset} and {@code .../remove} only while BDF is bound to vfio-pci.</li>
 * </ul>
 */
public final class SysfsWrites {
    private static final Pattern VFIO_DRIVER = Pattern.compile("bus/pci/drivers/vfio-pci/(bind|unbind|new_id|remove_id)");
    private static final Pattern DEVICE_ATTR = Pattern.compile("bus/pci/devices/([0-9a-fA-F:.]+)/([a-z_]+)");

    private SysfsWrites() {
    }

    /**
     * Why writing {@code value} to {@code sysPath} is refused, or empty when it is allowed. {@code driverOf} tells
     * a device's current driver (empty: none or unknown).
     */
    public static Optional<String> refusal(String sysPath, String value, Function<PciAddress,
            Optional<String>> driverOf) {
        String v = value == null ? "" : value.strip();
        if (VFIO_DRIVER.matcher(sysPath).matches() || sysPath.equals("bus/pci/drivers_probe")) {
            return Optional.empty();
        }
        Matcher m = DEVICE_ATTR.matcher(sysPath);
        if (m.matches() && PciAddress.isValid(m.group(1))) {
            PciAddress bdf = PciAddress.parse(m.group(1));
            String attr = m.group(2);
            if (attr.equals("driver_override") && (v.equals("vfio-pci") || v.isEmpty())) {
                return Optional.empty();
            }
            Optional<String> driver = driverOf.apply(bdf);
            if ((attr.equals("reset") || attr.equals("remove")) && driver.filter("vfio-pci"::equals).isPresent()) {
                return Optional.empty();
            }
            return Optional.of("refused: " + bdf + " is bound to " + driver.orElse("no driver")
                    + (driver.filter("vfio-pci"::equals).isPresent() ? "" : ", not vfio-pci") + "; the inspector "
                    + "writes only attributes that hand a device to or from vfio-pci");
        }
        return Optional.of("refused: the inspector writes only vfio-pci's bind/unbind/new_id/remove_id, a device's "
                + "driver_override (vfio-pci) and drivers_probe");
    }
}
