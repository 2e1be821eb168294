package org.vfioinspector.app.gui.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which try-it actions need the confirmation on a real host: all that change what the device or a peer sees. */
class TryItActionsTest {
    @Test
    void onlyAReadOnlyMmapGoesWithoutConfirmation() {
        List<TryItPanel.Action> unconfirmed = Arrays.stream(TryItPanel.Action.values())
                .filter(a -> !a.changesDevice()).toList();
        assertEquals(List.of(TryItPanel.Action.MMAP), unconfirmed);
        // export and attach create a dma-buf a peer can DMA to: state-changing
        assertEquals(true, TryItPanel.Action.EXPORT.changesDevice());
        assertEquals(true, TryItPanel.Action.ATTACH.changesDevice());
        assertEquals(true, TryItPanel.Action.RESET.changesDevice());
    }
}
