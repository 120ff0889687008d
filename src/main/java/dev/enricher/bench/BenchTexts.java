package dev.enricher.bench;

import java.util.SplittableRandom;

/**
 * Varied, realistic event texts for the pipeline benchmark: news snippets, support tickets, reviews and chat
 * messages on a dozen topics, some with names, e-mail addresses and phone numbers (so a PII task finds
 * something), from about 80 to 700 characters. The same seed and index give the same text, so runs compare.
 *
 * <p>Stateless and thread-safe.
 */
final class BenchTexts {
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

    BenchTexts(long seed) {
        this.seed = seed;
    }

    /** The text of event {@code index}: never blank, at most about 700 characters. */
    String text(long index) {
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
