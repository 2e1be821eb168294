package org.vfioinspector.bridge.lab.scenario;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Line and column of every node of a YAML document, by path ("devices[2].bars[0].size"), for semantic errors.
 * Built on the first question: it is a second parse of the document, and a valid document never asks.
 */
public final class LocationIndex {
    private final String text;
    private Map<String, int[]> where;

    public LocationIndex(String text) {
        this.text = text;
    }

    private Map<String, int[]> where() {
        if (where == null) {
            where = new HashMap<>();
            try {
                index(text, where);
            } catch (IOException e) {
                // The loader's own parse of this text succeeded first; should this one fail, the error it
                // reports just has no line (at() answers {0, 0}).
                where.clear();
            }
        }
        return where;
    }

    private static void index(String text, Map<String, int[]> where) throws IOException {
        try (JsonParser p = ScenarioLoader.yamlFactory().createParser(text)) {
            Deque<String> path = new ArrayDeque<>();
            Deque<int[]> arrayIdx = new ArrayDeque<>();
            Deque<Boolean> inArray = new ArrayDeque<>();
            String field = null;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    field = p.currentName();
                    continue;
                }
                String here;
                if (inArray.isEmpty()) {
                    here = "";
                } else if (inArray.peek()) {
                    here = join(path.peek(), "[" + arrayIdx.peek()[0]++ + "]");
                } else {
                    here = join(path.peek(), field);
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    path.pop();
                    inArray.pop();
                    arrayIdx.pop();
                    continue;
                }
                JsonLocation loc = p.currentTokenLocation();
                where.putIfAbsent(here, new int[] {loc.getLineNr(), loc.getColumnNr()});
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    path.push(here);
                    inArray.push(t == JsonToken.START_ARRAY);
                    arrayIdx.push(new int[] {0});
                }
            }
        }
    }

    private static String join(String parent, String child) {
        if (parent == null || parent.isEmpty()) {
            return child.startsWith("[") ? child : child;
        }
        return child.startsWith("[") ? parent + child : parent + "." + child;
    }

    /** {line, column} of the node at {@code path}, or of its nearest ancestor; {0, 0} when unknown. */
    public int[] at(String path) {
        Map<String, int[]> where = where();
        String p = path;
        while (true) {
            int[] w = where.get(p);
            if (w != null) {
                return w;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return where.getOrDefault("", new int[] {0, 0});
            }
            p = p.substring(0, cut);
        }
    }
}
