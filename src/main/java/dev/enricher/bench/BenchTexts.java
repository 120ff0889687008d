package dev.enricher.bench;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Varied, realistic event texts for the pipeline benchmark: news snippets, support tickets, reviews and chat
 * messages on a dozen topics, some with names, e-mail addresses and phone numbers (so a PII task finds
 * something), from about 80 to 700 characters. The same seed and index give the same text, so runs compare.
 *
 * <p>Repeats ({@code bench pipeline --duplicates}): a share of the events repeat the text of an earlier event
 * instead of having their own. Which events repeat: in every block of {@value #BLOCK} consecutive indices, a number
 * of them spread so that the repeats up to any index are the share of it rounded down (so any run of events holds
 * the share of repeats give or take one per block end), at positions drawn at random (seeded) within the block; event
 * 0 never repeats, having nothing before it. Which earlier event: drawn at random (seeded), half of the time among the
 * {@value #RECENT} events just before it (often still in flight when the repeat arrives), half of the time among all
 * events before it (mostly long done). A repeat of a repeat has the text of the first. The other events have their
 * own texts, as without repeats; the generator's own texts coincide now and then too (the short ones: one sentence,
 * no name), so more events than the share may carry a text seen before: {@link #repeats} counts both.
 *
 * <p>Stateless and thread-safe.
 */
public final class BenchTexts {
    /** Repeats are spread over blocks of this many consecutive events. */
    static final int BLOCK = 10;
    /** Half of the repeats repeat one of this many events just before them. */
    static final int RECENT = 256;
    private static final String[] OPENINGS = {
        "Breaking: ", "Update from the newsroom: ", "Customer ticket #%d: ", "Review: ", "Chat message: ",
        "Press release: ", "Forum post: ", "Internal memo: ", "", "", "",
    };

    private static final String[][] TOPICS = {
        { // sports
            "The home side clinched the championship with a late goal in extra time.",
            "Thousands of football fans poured into the streets after the final whistle.",
            "The coach praised the young midfielders and the new training ground.",
            "Ticket prices for next season are expected to rise by ten percent.",
            "The marathon was moved to an earlier start because of the heat wave.",
        },
        { // finance
            "Shares of the regional bank fell four percent after it cut its profit forecast.",
            "Analysts expect the central bank to hold interest rates steady through the summer.",
            "The startup raised 40 million dollars in a series B round led by two venture funds.",
            "Mortgage applications rose for the third week in a row as rates eased.",
            "The company will buy back shares worth two billion euros over the next year.",
        },
        { // technology
            "The new phone ships with a faster chip, a brighter screen and two days of battery life.",
            "Engineers traced the outage to a misconfigured load balancer in one data center.",
            "The open source database released a version with faster joins and better replication.",
            "Developers complained that the update broke plugins written for the old API.",
            "The laptop runs quietly, although the fans spin up during long video exports.",
        },
        { // health
            "Doctors recommend at least thirty minutes of moderate exercise five days a week.",
            "The clinic extended its opening hours to cope with the flu season.",
            "A new study links poor sleep with a higher risk of heart disease.",
            "The hospital opened a children's ward with forty beds and a play area.",
            "Pharmacies report shortages of common antibiotics across the region.",
        },
        { // travel
            "The airline added direct flights from Lisbon to Toronto starting in May.",
            "Hotel prices on the coast doubled during the festival weekend.",
            "Our train was delayed by two hours, and nobody announced why.",
            "The old town is best explored on foot; the museums close early on Mondays.",
            "Travellers should renew passports at least three months before departure.",
        },
        { // food
            "The restaurant's tasting menu changes every season and uses local vegetables.",
            "This recipe for sourdough needs a starter that is at least a week old.",
            "The bakery on Main Street sells out of croissants before nine every morning.",
            "Coffee prices have climbed after a poor harvest in Brazil and Vietnam.",
            "The soup was cold and the waiter forgot our dessert, but the pasta was excellent.",
        },
        { // politics
            "Parliament passed the budget after a late-night session and several amendments.",
            "The mayor promised more bus lines and cheaper tickets for students.",
            "Voter turnout reached its highest level in two decades.",
            "Negotiators agreed on a framework for the trade deal but left tariffs open.",
            "The minister resigned after an inquiry into the procurement contracts.",
        },
        { // automotive
            "The electric SUV has a range of 480 kilometres and charges to eighty percent in 25 minutes.",
            "Car sales fell in the first quarter as buyers waited for new incentives.",
            "The recall covers 120,000 vehicles with a faulty brake sensor.",
            "Used car prices are finally coming down from their pandemic highs.",
        },
        { // entertainment
            "The series finale drew the largest audience the network has had in years.",
            "The band announced a world tour with forty dates across three continents.",
            "Critics called the film a bold, beautifully shot but overlong drama.",
            "The video game sold two million copies in its first week.",
        },
        { // real estate and home
            "Rents in the city centre rose eight percent while suburban prices stayed flat.",
            "We replaced the old boiler with a heat pump and our energy bill halved.",
            "The garden centre recommends planting tulip bulbs before the first frost.",
            "Building permits for new homes dropped for the second month in a row.",
        },
        { // education and careers
            "The university will offer a new master's programme in data engineering.",
            "Teachers asked for smaller classes and more time to prepare lessons.",
            "The company is hiring backend engineers with Kafka and Java experience.",
            "Online courses helped many workers switch careers during the last two years.",
        },
        { // science and environment
            "Researchers measured the warmest ocean temperatures on record this spring.",
            "The telescope captured images of a galaxy thirteen billion light years away.",
            "Volunteers planted ten thousand trees along the river to reduce flooding.",
            "A new battery chemistry could make grid storage cheaper and safer.",
        },
    };

    private static final String[] FIRST = {"Jane", "Carlos", "Aiko", "Fatima", "Oliver", "Priya", "Lukas", "Amara",
        "Mateo", "Sofia", "Chen", "Noah"};
    private static final String[] LAST = {"Doe", "Garcia", "Tanaka", "Haddad", "Smith", "Patel", "Becker", "Okafor",
        "Rossi", "Novak", "Wei", "Johnson"};
    private static final String[] CITIES = {"Berlin", "San Francisco", "Lagos", "Osaka", "Madrid", "Toronto", "Mumbai",
        "Lyon", "Austin", "Melbourne"};
    private static final String[] PII_LINES = {
        "Please contact %s %s at %s.%s@example.com or call +1 415 555 %04d.",
        "Reported by %s %s from %s; reach them at %s.%s@example.org.",
        "%s %s (%s) asked for a callback on +44 20 7946 %04d.",
        "Shipping to %s %s, 12 Harbour Road, %s.",
    };

    private final long seed;
    /** The share of repeats in millionths, so that the counts per block are exact integer arithmetic. */
    private final long sharePpm;

    /** Texts of their own for every event, as before repeats existed. */
    public BenchTexts(long seed) {
        this(seed, 0);
    }

    /**
     * @param duplicates the share of events that repeat an earlier event's text, 0 to 1
     * @throws IllegalArgumentException when {@code duplicates} is outside 0..1
     */
    public BenchTexts(long seed, double duplicates) {
        if (!(duplicates >= 0 && duplicates <= 1)) {
            throw new IllegalArgumentException("the share of repeated texts must be within 0..1, was " + duplicates);
        }
        this.seed = seed;
        this.sharePpm = Math.round(duplicates * 1_000_000);
    }

    /** The text of event {@code index}: never blank, at most about 700 characters. */
    public String text(long index) {
        return ownText(root(index));
    }

    /**
     * The earlier event whose text event {@code index} repeats (drawn as described above), or -1 when it has a text
     * of its own. A repeated event may itself be a repeat; {@link #text} follows the chain.
     */
    public long repeatOf(long index) {
        if (sharePpm == 0 || index <= 0 || !drawnAsRepeat(index)) {
            return -1;
        }
        SplittableRandom r = new SplittableRandom((seed ^ 0x5DEECE66DL) * 0xBF58476D1CE4E5B9L + index);
        if (r.nextBoolean()) {
            long span = Math.min(RECENT, index);
            return index - 1 - r.nextLong(span);
        }
        return r.nextLong(index);
    }

    /** The event whose own text event {@code index} has: itself, or the first of its chain of repeats. */
    private long root(long index) {
        long i = index;
        for (long earlier = repeatOf(i); earlier >= 0; earlier = repeatOf(i)) {
            i = earlier;
        }
        return i;
    }

    /** Whether event {@code index} (> 0) is one of the repeats of its block. */
    private boolean drawnAsRepeat(long index) {
        long block = index / BLOCK;
        int k = (int) (repeatsUpTo((block + 1) * BLOCK) - repeatsUpTo(block * BLOCK));
        if (k == 0) {
            return false;
        }
        // The block's candidates (all its positions, but event 0's), shuffled with the block's seed; the first k
        // repeat.
        int first = block == 0 ? 1 : 0;
        int[] slots = new int[BLOCK - first];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = first + i;
        }
        SplittableRandom r = new SplittableRandom((seed ^ 0x2545F4914F6CDD1DL) * 0x94D049BB133111EBL + block);
        int position = (int) (index % BLOCK);
        for (int i = 0; i < Math.min(k, slots.length); i++) {
            int j = i + r.nextInt(slots.length - i);
            int t = slots[i];
            slots[i] = slots[j];
            slots[j] = t;
            if (slots[i] == position) {
                return true;
            }
        }
        return false;
    }

    /** Repeats among the events before {@code index}, as the blocks spread them: the share of it, rounded down. */
    private long repeatsUpTo(long index) {
        return Math.multiplyExact(index, sharePpm) / 1_000_000;
    }

    /**
     * How the events {@code first .. first + count - 1} of the sequence from event 0 stand: how many were drawn as
     * repeats, and how many carry a text that an earlier event of the sequence (from event 0) carried, which is what a
     * store of answers by content saves (drawn repeats, and coincidences of the generator's own texts). Generates all
     * texts up to the last event: seconds for a few hundred thousand.
     */
    public Repeats repeats(long first, int count) {
        Set<String> seen = new HashSet<>();
        long drawn = 0;
        long repeatedTexts = 0;
        for (long i = 0; i < first + count; i++) {
            long root = root(i);
            boolean known = root != i || !seen.add(ownText(i));
            if (i >= first) {
                drawn += repeatOf(i) >= 0 ? 1 : 0;
                repeatedTexts += known ? 1 : 0;
            }
        }
        return new Repeats(drawn, repeatedTexts);
    }

    /**
     * @param drawn         events drawn as repeats of an earlier event
     * @param repeatedTexts events whose text an earlier event already had: the drawn ones and the coincidences
     */
    public record Repeats(long drawn, long repeatedTexts) {
    }

    /** Event {@code index}'s own text, as if it repeated nothing. */
    private String ownText(long index) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        StringBuilder b = new StringBuilder(512);
        String opening = OPENINGS[r.nextInt(OPENINGS.length)];
        b.append(opening.contains("%d") ? String.format(opening, 10_000 + r.nextInt(90_000)) : opening);
        String[] topic = TOPICS[r.nextInt(TOPICS.length)];
        int sentences = 1 + r.nextInt(5);
        int start = r.nextInt(topic.length);
        for (int i = 0; i < sentences; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(topic[(start + i) % topic.length]);
            if (r.nextInt(4) == 0) {
                // A sentence from another topic now and then: real texts mix subjects.
                String[] other = TOPICS[r.nextInt(TOPICS.length)];
                b.append(' ').append(other[r.nextInt(other.length)]);
            }
        }
        if (r.nextInt(3) == 0) {
            b.append(' ').append(piiLine(r));
        }
        return b.toString();
    }

    private static String piiLine(SplittableRandom r) {
        String first = FIRST[r.nextInt(FIRST.length)];
        String last = LAST[r.nextInt(LAST.length)];
        String city = CITIES[r.nextInt(CITIES.length)];
        int line = r.nextInt(PII_LINES.length);
        switch (line) {
            case 0:
                return String.format(PII_LINES[0], first, last, first.toLowerCase(java.util.Locale.ROOT),
                        last.toLowerCase(java.util.Locale.ROOT), r.nextInt(10_000));
            case 1:
                return String.format(PII_LINES[1], first, last, city, first.toLowerCase(java.util.Locale.ROOT),
                        last.toLowerCase(java.util.Locale.ROOT));
            case 2:
                return String.format(PII_LINES[2], first, last, city, r.nextInt(10_000));
            default:
                return String.format(PII_LINES[3], first, last, city);
        }
    }
}
