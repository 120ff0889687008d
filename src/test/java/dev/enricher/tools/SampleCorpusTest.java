package dev.enricher.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SampleCorpusTest {
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\\.[A-Za-z]{2,})");
    private static final Pattern PHONE = Pattern.compile("(\\(\\d{3}\\) |\\+1 \\d{3} )?(\\d{3})[- ]\\d{4}");

    private final SampleCorpus corpus = SampleCorpus.load();

    @Test
    void hasAtLeast150DistinctTextsInEveryCategory() {
        assertThat(corpus.templates().stream().map(SampleCorpus.Template::text).distinct().count()).isGreaterThanOrEqualTo(150);
        Map<String, Long> perCategory = corpus.templates().stream()
                .collect(Collectors.groupingBy(SampleCorpus.Template::category, Collectors.counting()));
        assertThat(perCategory.keySet()).containsExactlyInAnyOrderElementsOf(SampleCorpus.CATEGORIES);
        perCategory.forEach((category, n) -> {
            if (category.equals(SampleCorpus.LONG_ARTICLE)) {
                // Long articles are a minority (about one event in ten), so the demo stays fast.
                assertThat(n).as(category).isBetween(corpus.size() / 12L, corpus.size() / 8L);
            } else {
                assertThat(n).as(category).isGreaterThanOrEqualTo(25);
            }
        });
    }

    @Test
    void longArticlesAreParagraphsOfNewsBetween3000And50000CharactersEndingWithAContact() {
        List<SampleCorpus.SampleEvent> articles = events(corpus, 42, 2000).stream()
                .filter(e -> e.source().equals(SampleCorpus.LONG_ARTICLE)).collect(Collectors.toList());
        assertThat(articles).hasSizeBetween(2000 / 12, 2000 / 8);
        for (SampleCorpus.SampleEvent e : articles) {
            String text = e.text();
            assertThat(text.codePointCount(0, text.length())).as(e.id())
                    .isGreaterThanOrEqualTo(SampleCorpus.ARTICLE_MIN_CHARS);
            assertThat(text.length()).as(e.id()).isLessThanOrEqualTo(SampleCorpus.ARTICLE_MAX_CHARS);
            String[] paragraphs = text.split("\n\n");
            assertThat(paragraphs.length).as(e.id()).isGreaterThanOrEqualTo(4);
            String closing = paragraphs[paragraphs.length - 1];
            assertThat(closing).as(e.id()).containsPattern(EMAIL).containsPattern(PHONE);
            assertThat(e.personalData()).as("%s: a name in %s", e.id(), closing)
                    .anyMatch(v -> closing.contains(v) && v.matches("\\p{L}+( \\p{L}+)?"));
        }
        assertThat(articles).as("short and long ones").anyMatch(e -> e.text().length() < 8_000)
                .anyMatch(e -> e.text().length() > 30_000);
        assertThat(articles).as("emoji early in some")
                .anyMatch(e -> e.text().codePoints().limit(5).anyMatch(Character::isSupplementaryCodePoint))
                .anyMatch(e -> e.text().codePoints().limit(80).noneMatch(Character::isSupplementaryCodePoint));
        assertThat(articles.stream().mapToInt(e -> e.text().length()).average().orElse(0)).isLessThan(25_000);
    }

    @Test
    void personalDataListsEveryNameEmailAndPhoneInsertedAndIsNotInTheJson() throws Exception {
        List<SampleCorpus.SampleEvent> events = events(corpus, 42, 2000);
        int fullNames = 0;
        for (SampleCorpus.SampleEvent e : events) {
            assertThat(e.personalData()).as(e.id()).doesNotHaveDuplicates().allMatch(e.text()::contains);
            Matcher m = EMAIL.matcher(e.text());
            while (m.find()) {
                assertThat(e.personalData()).as(e.id()).contains(m.group());
            }
            Matcher p = PHONE.matcher(e.text());
            while (p.find()) {
                assertThat(e.personalData()).as(e.id()).anyMatch(v -> v.contains(p.group()));
            }
            fullNames += (int) e.personalData().stream().filter(v -> v.matches("\\p{Lu}\\p{L}+ \\p{Lu}\\p{L}+"))
                    .count();
            var node = JsonRendering.MAPPER.readTree(e.json());
            assertThat(node.fieldNames()).toIterable().containsExactly("id", "text", "source");
            assertThat(node.get("text").asText()).isEqualTo(e.text());
        }
        assertThat(fullNames).isGreaterThan(200);
        assertThat(events).anyMatch(e -> e.personalData().isEmpty());
        assertThat(new SampleCorpus.SampleEvent("x", "t", "news").personalData()).isEmpty();
    }

    @Test
    void eventsAreDeterministicPerSeedAndEachRunOfTheCorpusUsesEveryTextOnce() {
        List<SampleCorpus.SampleEvent> a = events(corpus, 42, 400);
        List<SampleCorpus.SampleEvent> b = events(SampleCorpus.load(), 42, 400);
        assertThat(a).isEqualTo(b);
        assertThat(events(corpus, 7, 400)).isNotEqualTo(a);
        assertThat(a.stream().map(SampleCorpus.SampleEvent::id).distinct().count()).isEqualTo(400);
        // The first corpus-size events cover every category text once (ignoring the filled placeholders' values).
        Set<String> sourcesFirstRun = a.subList(0, corpus.size()).stream().map(SampleCorpus.SampleEvent::source)
                .collect(Collectors.toSet());
        assertThat(sourcesFirstRun).containsExactlyInAnyOrderElementsOf(SampleCorpus.CATEGORIES);
        assertThat(a.stream().map(SampleCorpus.SampleEvent::text).filter(t -> t.contains("{"))).isEmpty();
    }

    @Test
    void containsOnlyFakePii() {
        List<SampleCorpus.SampleEvent> events = events(corpus, 42, 2000);
        Set<String> domains = new HashSet<>();
        int emails = 0;
        int phones = 0;
        for (SampleCorpus.SampleEvent e : events) {
            Matcher m = EMAIL.matcher(e.text());
            while (m.find()) {
                emails++;
                domains.add(m.group(1));
            }
            Matcher p = PHONE.matcher(e.text());
            while (p.find()) {
                phones++;
                assertThat(p.group(2)).as("phone in %s", e.text()).isEqualTo("555");
            }
        }
        assertThat(domains).isNotEmpty().isSubsetOf("example.com", "example.org");
        assertThat(emails).isGreaterThan(100);
        assertThat(phones).isGreaterThan(100);
        assertThat(events).anyMatch(e -> e.source().equals("support_ticket") && e.text().matches(".*\\b(Jane|John|Maria) .*"));
    }

    @Test
    void eventJsonHasIdTextAndSource() throws Exception {
        var node = JsonRendering.MAPPER.readTree(corpus.event(3, 42).json());
        assertThat(node.fieldNames()).toIterable().containsExactly("id", "text", "source");
        assertThat(node.get("id").asText()).isEqualTo("sample-3");
    }

    private static List<SampleCorpus.SampleEvent> events(SampleCorpus c, long seed, int n) {
        return LongStream.rangeClosed(1, n).mapToObj(i -> c.event(i, seed)).collect(Collectors.toList());
    }
}
