package dev.enricher.simulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One IAB taxonomy (a subset shipped under {@code src/main/resources/simulator/}) with a keyword index, so
 * "the match was a football thriller" lands in Sports / Football. Immutable once loaded; the three shipped
 * taxonomies are loaded once per JVM and shared by every event loop.
 */
final class IabTaxonomy {
    /** A category. {@code parent} is null at tier 1; {@code tierNames} are the names from tier 1 down. */
    record Category(String id, String parent, String name, int tier, List<String> tierNames, Set<String> keywords) {
    }

    /** A category chosen for a text, with its score in (0, 1). */
    record Scored(Category category, double score) {
    }

    private static final class Shipped {
        static final IabTaxonomy CONTENT_1_0 = load("simulator/iab-content-1.0.tsv", Format.CONTENT_1_0);
        static final IabTaxonomy CONTENT_2_2 = load("simulator/iab-content-2.2.tsv", Format.CONTENT_2_2);
        static final IabTaxonomy AUDIENCE_1_1 = load("simulator/iab-audience-1.1.tsv", Format.AUDIENCE);
    }

    private enum Format { CONTENT_1_0, CONTENT_2_2, AUDIENCE }

    private final Map<String, Category> byId;
    private final Map<String, List<Category>> index;
    private final List<Category> fallbacks;

    private IabTaxonomy(Map<String, Category> byId) {
        this.byId = Map.copyOf(byId);
        Map<String, List<Category>> idx = new HashMap<>();
        List<Category> fb = new ArrayList<>();
        int topTier = byId.values().stream().filter(c -> !c.keywords().isEmpty()).mapToInt(Category::tier).min().orElse(1);
        for (Category c : byId.values()) {
            for (String k : c.keywords()) {
                idx.computeIfAbsent(k, x -> new ArrayList<>()).add(c);
            }
            if (c.tier() == topTier && !c.keywords().isEmpty()) {
                fb.add(c);
            }
        }
        fb.sort(Comparator.comparing(Category::id));
        idx.replaceAll((k, v) -> List.copyOf(v));
        this.index = Map.copyOf(idx);
        this.fallbacks = List.copyOf(fb);
    }

    static IabTaxonomy content10() {
        return Shipped.CONTENT_1_0;
    }

    static IabTaxonomy content22() {
        return Shipped.CONTENT_2_2;
    }

    static IabTaxonomy audience11() {
        return Shipped.AUDIENCE_1_1;
    }

    Collection<Category> categories() {
        return byId.values();
    }

    Category find(String id) {
        return byId.get(id);
    }

    /**
     * The best categories for the text's (stemmed) words: keyword hits, half of a child's hits counted for its
     * parent, ties and scores jittered by {@code random} (seeded from the text). When nothing matches, one tier-1
     * category picked by {@code random} with a low score, as a real classifier always says something.
     */
    List<Scored> classify(List<String> stems, SplittableRandom random, int max) {
        Map<Category, Double> hits = new LinkedHashMap<>();
        for (String w : stems) {
            List<Category> cs = index.get(w);
            if (cs == null) {
                continue;
            }
            for (Category c : cs) {
                hits.merge(c, 1.0, Double::sum);
                Category p = c.parent() == null ? null : byId.get(c.parent());
                if (p != null) {
                    hits.merge(p, 0.5, Double::sum);
                }
            }
        }
        List<Scored> out = new ArrayList<>();
        if (hits.isEmpty()) {
            Category c = fallbacks.get(random.nextInt(fallbacks.size()));
            out.add(new Scored(c, round(0.25 + 0.2 * random.nextDouble())));
            return out;
        }
        List<Map.Entry<Category, Double>> ranked = new ArrayList<>(hits.entrySet());
        ranked.sort(Map.Entry.<Category, Double>comparingByValue().reversed()
                .thenComparing(e -> e.getKey().tier())
                .thenComparing(e -> e.getKey().id()));
        double top = ranked.get(0).getValue();
        for (int i = 0; i < ranked.size() && out.size() < max; i++) {
            double rel = ranked.get(i).getValue() / top;
            double s = 0.52 + 0.42 * rel - 0.04 * i + 0.04 * random.nextDouble();
            out.add(new Scored(ranked.get(i).getKey(), round(Math.max(0.05, Math.min(0.99, s)))));
        }
        out.sort(Comparator.comparingDouble(Scored::score).reversed());
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    private static IabTaxonomy load(String resource, Format format) {
        try (InputStream in = IabTaxonomy.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("taxonomy resource " + resource + " is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String[]> rows = new LinkedHashMap<>();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                rows.put(f[0].strip(), f);
            }
            Map<String, Category> out = new LinkedHashMap<>();
            for (String[] f : rows.values()) {
                Category c = switch (format) {
                    case CONTENT_1_0 -> content10(f);
                    case CONTENT_2_2 -> content22(f, rows);
                    case AUDIENCE -> audience(f);
                };
                out.put(c.id(), c);
            }
            return new IabTaxonomy(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read taxonomy " + resource, e);
        }
    }

    private static Category content10(String[] f) {
        String code = f[0].strip();
        int dash = code.indexOf('-');
        String parent = dash < 0 ? null : code.substring(0, dash);
        String name = f[1].strip();
        return new Category(code, parent, name, dash < 0 ? 1 : 2, List.of(name), keywords(name, field(f, 2)));
    }

    private static Category content22(String[] f, Map<String, String[]> rows) {
        String id = f[0].strip();
        String parent = blankToNull(f[1]);
        String name = f[2].strip();
        List<String> names = new ArrayList<>();
        names.add(name);
        String p = parent;
        while (p != null && rows.containsKey(p)) {
            String[] pf = rows.get(p);
            names.add(0, pf[2].strip());
            p = blankToNull(pf[1]);
        }
        return new Category(id, parent, name, names.size(), List.copyOf(names), keywords(name, field(f, 3)));
    }

    private static Category audience(String[] f) {
        String id = f[0].strip();
        String parent = blankToNull(f[1]);
        String name = f[2].strip();
        List<String> names = new ArrayList<>();
        for (int i = 3; i <= 5; i++) {
            String n = field(f, i);
            if (!n.isBlank()) {
                names.add(n.strip());
            }
        }
        return new Category(id, parent, name, names.size(), List.copyOf(names), keywords(name, field(f, 6)));
    }

    private static Set<String> keywords(String name, String extra) {
        Set<String> k = new HashSet<>();
        if (extra.isBlank()) {
            return Set.of(); // Uncategorized and friends are never matched by words
        }
        for (String w : Words.words(name)) {
            if (w.length() >= 4 && !Words.STOP.contains(w)) {
                k.add(Words.stem(w));
            }
        }
        for (String w : extra.split(",")) {
            if (!w.isBlank()) {
                k.add(Words.stem(w.strip().toLowerCase(Locale.ROOT)));
            }
        }
        return Set.copyOf(k);
    }

    private static String field(String[] f, int i) {
        return i < f.length ? f[i] : "";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
