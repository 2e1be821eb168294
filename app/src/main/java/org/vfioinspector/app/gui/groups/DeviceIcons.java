package org.vfioinspector.app.gui.groups;

import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignE;
import org.kordamp.ikonli.materialdesign2.MaterialDesignH;
import org.kordamp.ikonli.materialdesign2.MaterialDesignM;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.kordamp.ikonli.materialdesign2.MaterialDesignV;

/** A class icon per PCI base class (font icons: sharp at any scale). */
public final class DeviceIcons {
    private DeviceIcons() {
    }

    public static Ikon forClass(int classCode) {
        int base = classCode >>> 16;
        return switch (base) {
            case 0x01 -> MaterialDesignH.HARDDISK;
            case 0x02 -> MaterialDesignE.ETHERNET;
            case 0x03 -> MaterialDesignM.MONITOR;
            case 0x04 -> MaterialDesignV.VIDEO_INPUT_COMPONENT;
            case 0x05 -> MaterialDesignM.MEMORY;
            case 0x06 -> MaterialDesignS.SOURCE_BRANCH;
            case 0x12 -> MaterialDesignC.CHIP;
            default -> MaterialDesignE.EXPANSION_CARD;
        };
    }

    public static FontIcon icon(Ikon ikon) {
        FontIcon i = new FontIcon(ikon);
        i.getStyleClass().add("icon");
        return i;
    }
}
