package org.vfioinspector.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vfioinspector.bridge.host.PredictionCheck;
import org.vfioinspector.bridge.rules.KernelProfiles;

/** Prediction = the lab kernel's answer on every region of a generated host (switches, GPUs, VFs), every profile. */
class SyntheticHostPredictionTest {
    @Test
    void predictedEqualsAnsweredOnAGeneratedHost() throws Exception {
        PredictionCheck.Result r = PredictionCheck.check(SyntheticHost.scenario(48), KernelProfiles.all());
        assertTrue(r.compared() > 0, "nothing compared");
        assertEquals(List.of(), r.mismatches());
    }
}
