package org.vfioinspector.bridge.exercise;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.vfioinspector.bridge.input.InputFiles;
import org.vfioinspector.bridge.input.IoMessages;
import org.vfioinspector.bridge.input.Numbers;
import org.vfioinspector.bridge.journal.Activity;
import org.vfioinspector.bridge.lab.scenario.LocationIndex;
import org.vfioinspector.bridge.lab.scenario.YamlLimits;
import org.vfioinspector.bridge.lab.scenario.YamlProblem;
import org.vfioinspector.bridge.lab.scenario.ScenarioLoader;
import org.vfioinspector.bridge.model.PciAddress;

/** Reads exercise YAML (format 1) into a validated {@link Exercise}; every error names FILE:LINE:COLUMN. */
public final class ExerciseLoader {
    /** The exercises shipped as resources, in teaching order. */
    public static final List<String> BUILT_IN = List.of("sub-page-bar", "unmappable-bar", "revocation-lifecycle",
            "type1-p2p-hazard");
    public static final int FORMAT = 1;

    /** An exercise is a page of text: 1 MiB is far more than any needs (docs/exercise-format.md). */
    static final int MAX_CHARS = 1 << 20;
    /** As for scenarios: one long line is a hang in SnakeYAML (time grows with the square of a token). */
    static final int MAX_LINE = 64 << 10;

    private static final ObjectMapper YAML = new ObjectMapper(yamlFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // "[~]" or an empty "- " in a list is an entry with nothing in it: refused here, with its line
            .setDefaultSetterInfo(com.fasterxml.jackson.annotation.JsonSetter.Value.forContentNulls(
                    com.fasterxml.jackson.annotation.Nulls.FAIL));

    private ExerciseLoader() {
    }

    private static YAMLFactory yamlFactory() {
        org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
        options.setCodePointLimit(MAX_CHARS);
        options.setMaxAliasesForCollections(50);
        options.setAllowDuplicateKeys(false);
        return YAMLFactory.builder().loaderOptions(options)
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    /** A built-in exercise by name. */
    public static Exercise builtIn(String name) throws ExerciseException {
        String res = "/org/vfioinspector/bridge/exercises/" + name + ".yaml";
        try (InputStream in = ExerciseLoader.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new ExerciseException(name, 0, 0, "no built-in exercise '" + name + "'; built in: " + BUILT_IN,
                        null);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "builtin:" + name + ".yaml");
        } catch (IOException e) {
            throw new ExerciseException(name, 0, 0, "cannot read built-in exercise: " + e.getMessage(), e);
        }
    }

    /** A built-in name or a path to a YAML file. */
    public static Exercise load(String nameOrFile) throws ExerciseException {
        return BUILT_IN.contains(nameOrFile) ? builtIn(nameOrFile) : load(Path.of(nameOrFile));
    }

    public static Exercise load(Path file) throws ExerciseException {
        String text;
        try {
            text = InputFiles.readUtf8(file, MAX_CHARS);
        } catch (IOException e) {
            throw new ExerciseException(file.toString(), 0, 0, "cannot read: " + IoMessages.problem(e)
                    + "; expected an exercise YAML file (docs/exercise-format.md)", e);
        }
        return parse(text, file.toString());
    }

    public static Exercise parse(String text, String file) throws ExerciseException {
        int[] tooLong = YamlLimits.check(text, MAX_CHARS, MAX_LINE);
        if (tooLong != null) {
            throw new ExerciseException(file, tooLong[0], tooLong[1], YamlLimits.describe(tooLong, MAX_CHARS,
                    MAX_LINE), null);
        }
        ExerciseFile f;
        try {
            f = YAML.readValue(text, ExerciseFile.class);
        } catch (JsonProcessingException e) {
            throw fromJackson(file, text, e);
        }
        if (f == null) {
            throw new ExerciseException(file, 1, 1, "empty document; expected a mapping starting with 'format: 1'",
                    null);
        }
        return new Validator(file, new LocationIndex(text)).validate(f);
    }

    private static ExerciseException fromJackson(String file, String text, JsonProcessingException e) {
        YamlProblem p = YamlProblem.of(text, e, t -> List.class.isAssignableFrom(t) ? "a list"
                : t.isRecord() || Map.class.isAssignableFrom(t) ? "a mapping" : "a " + t.getSimpleName());
        return new ExerciseException(file, p.line(), p.column(), p.what(), e);
    }

    /** The semantic checks, each naming the offending node's line and column. */
    private static final class Validator {
        private final String file;
        private final LocationIndex where;

        Validator(String file, LocationIndex where) {
            this.file = file;
            this.where = where;
        }

        private ExerciseException error(String path, String problem) {
            int[] lc = where.at(path);
            return new ExerciseException(file, lc[0], lc[1], (path.isEmpty() ? "" : path + ": ") + problem, null);
        }

        private String text(String v, String path, String expected) throws ExerciseException {
            if (v == null || v.isBlank()) {
                throw error(path, "missing; expected " + expected);
            }
            // a YAML block's line breaks are the file's, not the text's: paragraphs (blank lines) stay
            return v.strip().replaceAll("(?<!\n)\n(?!\n)", " ");
        }

        Exercise validate(ExerciseFile f) throws ExerciseException {
            if (f.format() == null) {
                throw error("format", "missing; expected format: 1");
            }
            if (f.format() != FORMAT) {
                throw error("format", "format " + f.format() + " is not supported; this inspector reads format "
                        + FORMAT);
            }
            String name = text(f.name(), "name", "an exercise name");
            if (!name.matches("[a-z0-9][a-z0-9-]*")) {
                throw error("name", "'" + name + "' is not a name; expected lower-case letters, digits and '-'");
            }
            String title = text(f.title(), "title", "a title");
            String scenario = text(f.scenario(), "scenario", "a built-in scenario " + ScenarioLoader.BUILT_IN
                    + " or a scenario file");
            String intro = text(f.intro(), "intro", "a short introduction");
            Exercise.RealHostNeeds real = realHost(f.realHost());
            if (f.steps() == null || f.steps().isEmpty()) {
                throw error("steps", "missing; expected a list of steps");
            }
            List<Exercise.Step> steps = new ArrayList<>();
            for (int i = 0; i < f.steps().size(); i++) {
                steps.add(step(f.steps().get(i), "steps[" + i + "]"));
            }
            return new Exercise(name, title, scenario, intro, real, steps, file);
        }

        private Exercise.RealHostNeeds realHost(ExerciseFile.RealHost r) throws ExerciseException {
            if (r == null) {
                throw error("realHost", "missing; expected what a real host needs (needs: and devices:)");
            }
            String needs = text(r.needs(), "realHost.needs", "the host's needs in words");
            if (r.devices() == null || r.devices().isEmpty()) {
                throw error("realHost.devices", "missing; expected a list of devices");
            }
            List<Exercise.DeviceNeed> devs = new ArrayList<>();
            for (int i = 0; i < r.devices().size(); i++) {
                String p = "realHost.devices[" + i + "]";
                ExerciseFile.DeviceFile d = r.devices().get(i);
                if (d == null) {
                    throw error(p, "empty; expected a mapping (driver, id, barMaxSize, barMinSize)");
                }
                int vendor = -1;
                int device = -1;
                if (d.id() != null) {
                    if (!d.id().matches("[0-9a-fA-F]{4}:[0-9a-fA-F]{4}")) {
                        throw error(p + ".id", "'" + d.id() + "' is not a vendor:device ID such as \"1014:04ed\"");
                    }
                    vendor = Integer.parseInt(d.id().substring(0, 4), 16);
                    device = Integer.parseInt(d.id().substring(5), 16);
                }
                devs.add(new Exercise.DeviceNeed(d.driver(), vendor, device, size(d.barMaxSize(), p + ".barMaxSize"),
                        size(d.barMinSize(), p + ".barMinSize")));
            }
            return new Exercise.RealHostNeeds(needs, devs, Boolean.TRUE.equals(r.distinctGroups()));
        }

        private long size(Object v, String path) throws ExerciseException {
            if (v == null) {
                return -1;
            }
            if (v instanceof List || v instanceof Map) {
                throw error(path, shown(v) + " is not a BAR size; expected bytes, or with K/M/G: 4K");
            }
            // "99999999999999999999" (a BigInteger to YAML) and "99999999999G" (wrapped negative when shifted)
            // are out of range, said so with the field
            try {
                return Numbers.size(v.toString().strip(), 1, Long.MAX_VALUE);
            } catch (Numbers.OutOfRange e) {
                throw error(path, e.getMessage() + " (a BAR size in bytes, or with K/M/G: 4K)");
            }
        }

        private Exercise.Step step(ExerciseFile.StepFile s, String p) throws ExerciseException {
            if (s == null) {
                throw error(p, "empty; expected a mapping (title, instructions, hint, check)");
            }
            String title = text(s.title(), p + ".title", "a step title");
            String instructions = text(s.instructions(), p + ".instructions", "what the student does");
            if (s.check() == null || s.check().isEmpty()) {
                throw error(p + ".check", "missing; expected a list of records to look for (action:, event: or "
                        + "host:)");
            }
            List<Expect> expects = new ArrayList<>();
            for (int i = 0; i < s.check().size(); i++) {
                expects.add(expect(s.check().get(i), p + ".check[" + i + "]", i));
            }
            return new Exercise.Step(title, instructions, s.hint() == null ? "" : s.hint().strip()
                    .replaceAll("(?<!\n)\n(?!\n)", " "),
                    new Check(expects, !Boolean.FALSE.equals(s.ordered())), Boolean.TRUE.equals(s.afterPrevious()));
        }

        private Expect expect(ExerciseFile.ExpectFile e, String p, int index) throws ExerciseException {
            if (e == null) {
                throw error(p, "empty; expected one of action:, event:, host:");
            }
            int kinds = (e.host() != null ? 1 : 0) + (e.action() != null ? 1 : 0) + (e.event() != null ? 1 : 0);
            if (kinds != 1) {
                throw error(p, "expected exactly one of action:, event:, host: (found " + kinds + ")");
            }
            Activity.Type type = e.host() != null ? Activity.Type.HOST : e.action() != null ? Activity.Type.ACTION
                    : Activity.Type.EVENT;
            String op = e.host() != null ? e.host() : e.action() != null ? e.action() : e.event();
            if (type == Activity.Type.EVENT && !List.of("revoke", "restore", "zap", "permanent", "invalidate",
                    "release").contains(op)) {
                throw error(p + ".event", "unknown event '" + op + "'; expected revoke, restore, zap, permanent, "
                        + "invalidate or release");
            }
            if (type == Activity.Type.HOST && !op.equals("open")) {
                throw error(p + ".host", "'" + op + "'; expected open");
            }
            Map<String, String> c = new LinkedHashMap<>();
            if (e.result() != null) {
                c.put("result", condition(e.result(), p + ".result"));
            }
            if (e.device() != null) {
                String d = condition(e.device(), p + ".device");
                if (!d.contains("$") && !d.equals("*")) {
                    for (String alt : d.replace("!", "").split("\\|", -1)) {
                        if (!PciAddress.isValid(alt)) {
                            throw error(p + ".device", "'" + alt + "' is not a PCI address DDDD:BB:DD.F or a "
                                    + "variable ($dev)");
                        }
                    }
                }
                c.put("device", d);
            }
            if (e.region() != null) {
                if (e.region() instanceof List || e.region() instanceof Map) {
                    throw error(p + ".region", shown(e.region()) + " is not a region index 0-6 or a variable ($bar)");
                }
                String r = condition(e.region().toString(), p + ".region");
                if (!r.contains("$") && !r.equals("*") && !r.replace("!", "").matches("[0-6](\\|[0-6])*")) {
                    throw error(p + ".region", "'" + r + "' is not a region index 0-6 or a variable ($bar)");
                }
                c.put("region", r);
            }
            facts(e.facts(), "facts", p, c);
            facts(e.hostFacts(), "hostFacts", p, c);
            List<Integer> after = new ArrayList<>();
            if (e.after() != null) {
                List<?> raw = e.after() instanceof List<?> l ? l : List.of(e.after());
                for (Object o : raw) {
                    if (!(o instanceof Integer k) || k < 0 || k >= index) {
                        throw error(p + ".after", shown(o) + " is not an earlier expectation of this check; expected "
                                + (index == 0 ? "no after: on a check's first expectation" : "an index 0.."
                                + (index - 1)));
                    }
                    after.add(k);
                }
            }
            return new Expect(type, op, c, after);
        }

        private void facts(Map<String, Object> m, String key, String p, Map<String, String> c)
                throws ExerciseException {
            if (m == null) {
                return;
            }
            for (Map.Entry<String, Object> f : m.entrySet()) {
                if (f.getValue() == null || f.getValue() instanceof Map || f.getValue() instanceof List) {
                    throw error(p + "." + key + "." + f.getKey(), "expected a value or a condition ($var, !x, "
                            + "a|b, *)");
                }
                c.put(key + "." + f.getKey(), condition(f.getValue().toString(), p + "." + key + "." + f.getKey()));
            }
        }

        /**
         * A value as an error quotes it. A list or mapping is named, not printed: printing one is a recursion as
         * deep as its nesting (a thousand levels are one line of brackets), which overflows the stack.
         */
        private static String shown(Object v) {
            return v instanceof List ? "a list" : v instanceof Map ? "a mapping" : "'" + v + "'";
        }

        private String condition(String v, String path) throws ExerciseException {
            String s = v.strip();
            if (s.isEmpty() || s.equals("!") || s.equals("$") || s.equals("!$")) {
                throw error(path, "empty condition; expected a value, $var, !value, !$var, a|b or *");
            }
            for (String part : s.split("&", -1)) {
                if (part.isEmpty()) {
                    throw error(path, "'" + s + "': empty condition around '&'");
                }
                if (part.startsWith("$") || part.startsWith("!$")) {
                    String name = part.substring(part.indexOf('$') + 1);
                    if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
                        throw error(path, "'" + part + "' is not a variable; expected $ and a name ($dev)");
                    }
                }
            }
            return s;
        }
    }
}
