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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in sample texts shipped in the jar under {@code samples/}: news snippets, product reviews, support
 * tickets, emails, social posts and long articles, one text per line per category file, some with placeholders
 * filled per event from pools of fake values, so {@code produce --sample} has realistic, varied input with PII to
 * find: {@code {name}} ("First Last"), {@code {first}}, {@code {last}}, {@code {agent}} (fake names from
 * {@code first-names.txt} and {@code last-names.txt}), {@code {email}} (always at example.com or example.org),
 * {@code {phone}} (always a 555-01xx fictional number), {@code {city}}, {@code {product}}, {@code {company}},
 * {@code {order}}, {@code {amount}}. One person per event: every placeholder of an event gets the same values.
 *
 * <p>A {@code long_article} text is a headline: the event's text is that headline followed by paragraphs of
 * news snippets (separated by blank lines) up to a length drawn per event between 3,000 and 50,000 characters
 * (most of them short), and a closing paragraph from {@code article-closings.txt} with a name, an e-mail and a
 * phone number. Some headlines hold emoji or other characters outside the Basic Multilingual Plane, so offsets in
 * code points and in UTF-16 units differ after them. About one event in ten is a long article.
 *
 * <p>Events are deterministic for a seed: {@link #event(long, long)} depends only on the seed and the event
 * number. Every run of {@code size()} consecutive events (from event 1) uses each text once, in a seeded order
 * that changes from one run to the next.
 */
public final class SampleCorpus {
    /** The categories, each a file {@code samples/<category>.txt}; the category is the event's {@code source}. */
    public static final List<String> CATEGORIES = List.of("news", "product_review", "support_ticket", "email",
            "social_post", "long_article");

    /** The category whose texts are headlines of articles built per event. */
    static final String LONG_ARTICLE = "long_article";
    /** Bounds of a long article's length in UTF-16 units (a few emoji make the code points slightly fewer). */
    static final int ARTICLE_MIN_CHARS = 3_000;
    static final int ARTICLE_MAX_CHARS = 50_000;
    /** Room after the length drawn for an article: its last paragraph of news and its closing paragraph. */
    private static final int ARTICLE_HEADROOM = 2_000;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");

    /** One text of a category. */
    record Template(String category, String text) {
    }

    /**
     * A generated event: {@code {"id": ..., "text": ..., "source": ...}}.
     *
     * @param personalData the distinct values the event's text got from the personal placeholders ({@code {name}},
     *                     {@code {first}}, {@code {last}}, {@code {agent}}, {@code {email}}, {@code {phone}}), exactly
     *                     as inserted, in order of first insertion; empty when it has none. Not part of the JSON.
     */
    public record SampleEvent(String id, String text, String source, List<String> personalData) {
        public SampleEvent {
            personalData = personalData == null ? List.of() : List.copyOf(personalData);
        }

        /** An event without personal data. */
        public SampleEvent(String id, String text, String source) {
            this(id, text, source, List.of());
        }

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
    private final List<String> newsLines;
    private final List<String> closings;
    private final List<String> firstNames;
    private final List<String> lastNames;
    private final List<String> cities;
    private final List<String> products;
    private final List<String> companies;
    private long cachedCycle = -1;
    private long cachedSeed;
    private int[] cachedOrder;

    private SampleCorpus(List<Template> templates, List<String> closings, List<String> firstNames,
                         List<String> lastNames, List<String> cities, List<String> products, List<String> companies) {
        this.templates = List.copyOf(templates);
        this.newsLines = templates.stream().filter(t -> t.category().equals("news")).map(Template::text).toList();
        this.closings = closings;
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
        return new SampleCorpus(templates, lines("article-closings.txt"), lines("first-names.txt"),
                lines("last-names.txt"), lines("cities.txt"), lines("products.txt"), lines("companies.txt"));
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
        Filler filler = new Filler(random);
        String text = t.category().equals(LONG_ARTICLE) ? article(t.text(), filler, random) : filler.fill(t.text());
        return new SampleEvent("sample-" + n, text, t.category(), List.copyOf(filler.personal));
    }

    /**
     * The headline, paragraphs of 3 to 6 news snippets until the length drawn for the event (log-uniform from
     * 3,000 to 48,000 characters: most articles are short) is reached, then a closing paragraph naming a contact.
     */
    private String article(String headline, Filler filler, Random r) {
        double range = (ARTICLE_MAX_CHARS - ARTICLE_HEADROOM) / (double) ARTICLE_MIN_CHARS;
        int target = (int) Math.round(ARTICLE_MIN_CHARS * Math.pow(range, r.nextDouble()));
        StringBuilder b = new StringBuilder(target + ARTICLE_HEADROOM).append(filler.fill(headline));
        while (b.length() < target) {
            b.append("\n\n");
            int sentences = 3 + r.nextInt(4);
            for (int i = 0; i < sentences; i++) {
                b.append(i == 0 ? "" : " ").append(filler.fill(pick(newsLines, r)));
            }
        }
        return b.append("\n\n").append(filler.fill(pick(closings, r))).toString();
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

    /**
     * The values of one event's placeholders, drawn once: one person per event, so the email matches the name.
     * Remembers the personal values it inserts.
     */
    private final class Filler {
        private final String first;
        private final String last;
        private final String agent;
        private final String email;
        private final String phone;
        private final String city;
        private final String product;
        private final String company;
        private final String order;
        private final String amount;
        final Set<String> personal = new LinkedHashSet<>();

        Filler(Random r) {
            first = pick(firstNames, r);
            last = pick(lastNames, r);
            agent = pick(firstNames, r);
            String domain = r.nextBoolean() ? "example.com" : "example.org";
            email = ascii(first) + (r.nextBoolean() ? "." : "_") + ascii(last) + "@" + domain;
            String line = String.format(Locale.ROOT, "%02d", r.nextInt(100));
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
            city = pick(cities, r);
            product = pick(products, r);
            company = pick(companies, r);
            order = String.format(Locale.ROOT, "#%d-%05d", 10 + r.nextInt(90), r.nextInt(100_000));
            amount = String.format(Locale.ROOT, "$%d.%02d", 5 + r.nextInt(495), r.nextInt(100));
        }

        String fill(String text) {
            Matcher m = PLACEHOLDER.matcher(text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String v;
                switch (m.group(1)) {
                    case "name":
                        v = personal(first + " " + last);
                        break;
                    case "first":
                        v = personal(first);
                        break;
                    case "last":
                        v = personal(last);
                        break;
                    case "agent":
                        v = personal(agent);
                        break;
                    case "email":
                        v = personal(email);
                        break;
                    case "phone":
                        v = personal(phone);
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

        private String personal(String value) {
            personal.add(value);
            return value;
        }
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
