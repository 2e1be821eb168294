package org.vfioinspector.bridge.witness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The {@code witness --json} document: {@code {"reports": [...]}}, one object per half run (README documents it). */
public final class WitnessJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private WitnessJson() {
    }

    public static String toJson(List<WitnessReport> reports) {
        ObjectNode root = F.objectNode();
        ArrayNode a = root.putArray("reports");
        reports.forEach(r -> a.add(report(r)));
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static ObjectNode report(WitnessReport r) {
        ObjectNode o = F.objectNode();
        o.put("half", r.half());
        o.put("kernel", r.kernel());
        o.put("engine", r.engine());
        o.put("peer", r.peer());
        o.put("peerBar", r.peerBar());
        o.put("peerIova", "0x" + Long.toHexString(r.peerIova()));
        o.put("ramIova", "0x" + Long.toHexString(r.ramIova()));
        o.put("expected", r.expected());
        o.put("verdict", r.verdict());
        o.put("error", r.error());
        ArrayNode steps = o.putArray("steps");
        for (WitnessStep s : r.steps()) {
            ObjectNode n = steps.addObject();
            n.put("id", s.id());
            n.put("action", s.action());
            n.put("answer", s.answer());
            n.put("detail", s.detail());
            if (s.isLook()) {
                n.put("reach", s.reach().key());
                n.put("seen", s.seen());
                n.put("expected", s.expected());
            }
        }
        return o;
    }
}
