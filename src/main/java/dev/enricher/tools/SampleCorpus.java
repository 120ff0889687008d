package dev.enricher.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in sample texts shipped in the jar under {@code samples/}: news snippets, product reviews, support
 * tickets, emails and social posts, one text per line per category file, some with placeholders filled per
 * event from pools of fake values, so {@code produce --sample} has realistic, varied input with PII to find:
 * {@code {name}}, {@code {first}}, {@code {last}}, {@code {agent}} (fake names), {@code {email}} (always at
 * example.com or example.org), {@code {phone}} (always a 555-01xx fictional number), {@code {city}},
 * {@code {product}}, {@code {company}}, {@code {order}}, {@code {amount}}.
 *
 * <p>Events are deterministic for a seed: {@link #event(long, long)} depends only on the seed and the event
 * number. Every run of {@code size()} consecutive events (from event 1) uses each text once, in a seeded order
 * that changes from one run to the next.
 */
public final class SampleCorpus {
    /** The categories, each a file {@code samples/<category>.txt}; the category is the event's {@code source}. */
    public static final List<String> CATEGORIES = List.of("news", "product_review", "support_ticket", "email", "social_post");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");

    /** One text of a category. */
    record Template(String category, String text) {
    }

    /** A generated event: {@code {"id": ..., "text": ..., "source": ...}}. */
    public record SampleEvent(String id, String text, String source) {
        /** The event as UTF-8 JSON, fields in this order. */
        public byte[] json() {
            return node().toString().getBytes(StandardCharsets.UTF_8);
        }

        ObjectNode node() {
            ObjectNode o = JsonRendering.MAPPER.createObjectNode();
            o.put("id", id);
            o.put("text", text);
            o.put("source", source);
            return o;
        }
    }

    private final List<Template> templates;
    private final List<String> firstNames;
    private final List<String> lastNames;
    private final List<String> cities;
    private final List<String> products;
    private final List<String> companies;
    private long cachedCycle = -1;
    private long cachedSeed;
    private int[] cachedOrder;

    private SampleCorpus(List<Template> templates, List<String> firstNames, List<String> lastNames,
                         List<String> cities, List<String> products, List<String> companies) {
        this.templates = List.copyOf(templates);
        this.firstNames = firstNames;
        this.lastNames = lastNames;
        this.cities = cities;
        this.products = products;
        this.companies = companies;
    }

    /** Reads the corpus from the class path. */
    public static SampleCorpus load() {
        List<Template> templates = new ArrayList<>();
        for (String category : CATEGORIES) {
            for (String text : lines(category + ".txt")) {
                templates.add(new Template(category, text));
            }
        }
        return new SampleCorpus(templates, lines("first-names.txt"), lines("last-names.txt"), lines("cities.txt"),
                lines("products.txt"), lines("companies.txt"));
    }

    List<Template> templates() {
        return templates;
    }

    public int size() {
        return templates.size();
    }

    /**
     * Event number {@code n} (from 1) for {@code seed}: id {@code sample-<n>}. Not thread-safe (the order of
     * the current run is cached).
     */
    public SampleEvent event(long n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("event numbers start at 1, got " + n);
        }
        long index = n - 1;
        long cycle = index / templates.size();
        Template t = templates.get(order(seed, cycle)[(int) (index % templates.size())]);
        Random random = new Random(mix(seed, n));
        return new SampleEvent("sample-" + n, fill(t.text(), random), t.category());
    }

    private int[] order(long seed, long cycle) {
        if (cachedOrder == null || cachedCycle != cycle || cachedSeed != seed) {
            List<Integer> idx = new ArrayList<>(templates.size());
            for (int i = 0; i < templates.size(); i++) {
                idx.add(i);
            }
            Collections.shuffle(idx, new Random(mix(seed, -cycle - 1)));
            cachedOrder = idx.stream().mapToInt(Integer::intValue).toArray();
            cachedCycle = cycle;
            cachedSeed = seed;
        }
        return cachedOrder;
    }

    /** Fills the placeholders; one person per text, so the email matches the name. */
    private String fill(String text, Random r) {
        String first = pick(firstNames, r);
        String last = pick(lastNames, r);
        String agent = pick(firstNames, r);
        String domain = r.nextBoolean() ? "example.com" : "example.org";
        String email = ascii(first) + (r.nextBoolean() ? "." : "_") + ascii(last) + "@" + domain;
        String line = String.format(Locale.ROOT, "%02d", r.nextInt(100));
        String phone;
        switch (r.nextInt(3)) {
            case 0:
                phone = String.format(Locale.ROOT, "(%03d) 555-01%s", 200 + r.nextInt(800), line);
                break;
            case 1:
                phone = String.format(Locale.ROOT, "+1 %03d 555 01%s", 200 + r.nextInt(800), line);
                break;
            default:
                phone = "555-01" + line;
                break;
        }
        String city = pick(cities, r);
        String product = pick(products, r);
        String company = pick(companies, r);
        String order = String.format(Locale.ROOT, "#%d-%05d", 10 + r.nextInt(90), r.nextInt(100_000));
        String amount = String.format(Locale.ROOT, "$%d.%02d", 5 + r.nextInt(495), r.nextInt(100));
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v;
            switch (m.group(1)) {
                case "name":
                    v = first + " " + last;
                    break;
                case "first":
                    v = first;
                    break;
                case "last":
                    v = last;
                    break;
                case "agent":
                    v = agent;
                    break;
                case "email":
                    v = email;
                    break;
                case "phone":
                    v = phone;
                    break;
                case "city":
                    v = city;
                    break;
                case "product":
                    v = product;
                    break;
                case "company":
                    v = company;
                    break;
                case "order":
                    v = order;
                    break;
                case "amount":
                    v = amount;
                    break;
                default:
                    throw new IllegalStateException("unknown placeholder " + m.group() + " in sample text: " + text);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static final Pattern NOT_ASCII_LETTER = Pattern.compile("[^A-Za-z]");

    /** The name as it could appear in an email address: Tomás becomes tomas. */
    private static String ascii(String name) {
        String n = NOT_ASCII_LETTER.matcher(java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD)).replaceAll("");
        return n.toLowerCase(Locale.ROOT);
    }

    private static String pick(List<String> pool, Random r) {
        return pool.get(r.nextInt(pool.size()));
    }

    /** SplitMix64 of the two numbers: well-spread seeds for neighbouring event numbers. */
    private static long mix(long seed, long n) {
        long z = seed + n * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The non-blank lines of {@code samples/<file>} that are not {@code #} comments. */
    private static List<String> lines(String file) {
        String path = "samples/" + file;
        InputStream in = SampleCorpus.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("sample corpus file " + path + " is missing from the class path (a broken build?)");
        }
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    out.add(l);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("sample corpus file " + path + " is empty");
        }
        return List.copyOf(out);
    }
}
