package dev.enricher.tasks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Merges the results of the pieces of one long input ({@link TextPieces#split}) into the result of the whole input,
 * per result class:
 * <ul>
 *   <li>{@link IabResult}: per list, one entry per name with its highest score, highest first, as many as the
 *       longest list of one piece (the model's top k);</li>
 *   <li>{@link IabEnrichedResult}: audience by id (by name when it has none), categories by code, topics by name,
 *       each the item with the highest score, highest first, as many as one piece's longest; keywords: the union;
 *       user intent: the highest scored;</li>
 *   <li>{@link ZeroShotResult}: per label the highest score, highest first;</li>
 *   <li>{@link ClassificationResult}: per axis the label most pieces gave (ties: the earliest piece's);</li>
 *   <li>{@link EntitiesResult}: per label the union of spans;</li>
 *   <li>{@link ExtractionResult}: per group the rows of every piece, equal rows once;</li>
 *   <li>{@link PiiResult}: offsets shifted into the whole text, duplicates from the overlaps kept once, overlapping
 *       spans of one label (a name cut at a piece's edge) reduced to the longest; redacted text rebuilt.</li>
 * </ul>
 * Ties in a score sort keep the first-seen order; unions keep first-seen order. Stateless and thread-safe.
 */
public final class PieceMerge {
    private static final Set<Class<? extends TaskResult>> SUPPORTED = Set.of(IabResult.class,
            IabEnrichedResult.class, ZeroShotResult.class, ClassificationResult.class, EntitiesResult.class,
            ExtractionResult.class, PiiResult.class);

    private PieceMerge() {
    }

    /**
     * Whether results of {@code resultClass} merge. False for free text, thinking, follow-up questions and prompt
     * results: their tasks truncate a long input instead.
     */
    public static boolean supports(Class<? extends TaskResult> resultClass) {
        return SUPPORTED.contains(resultClass);
    }

    /**
     * The result of the whole input from its pieces' results.
     *
     * @param results {@code results.get(k)} is the parsed answer to {@code pieces.get(k)}; all of one class
     * @param pieces  the pieces, as {@link TextPieces#split} cut {@code text}; as many as results
     * @param text    the whole input: PII offsets are shifted into it and checked against it
     * @return a result of the same class; the single result unchanged when there is one piece starting at 0
     * @throws IllegalArgumentException when the lists are empty or differ in size, the results' classes differ, or
     *                                  the class does not {@link #supports merge}
     * @throws ContentShapeException    when a shifted PII entity's text is not the whole text's at its offsets
     */
    public static TaskResult merge(List<TaskResult> results, List<TextPiece> pieces, String text) {
        Objects.requireNonNull(text, "text");
        if (results.isEmpty() || results.size() != pieces.size()) {
            throw new IllegalArgumentException("expected one result per piece and at least one, found "
                    + results.size() + " results for " + pieces.size() + " pieces");
        }
        Class<? extends TaskResult> type = results.get(0).getClass();
        for (int k = 1; k < results.size(); k++) {
            if (results.get(k).getClass() != type) {
                throw new IllegalArgumentException("results of one input must be of one class: piece 0's is "
                        + type.getName() + ", piece " + k + "'s " + results.get(k).getClass().getName());
            }
        }
        if (!supports(type)) {
            throw new IllegalArgumentException("results of class " + type.getName() + " do not merge");
        }
        if (results.size() == 1 && pieces.get(0).start() == 0) {
            return results.get(0);
        }
        if (type == IabResult.class) {
            return iab(all(results, IabResult.class));
        } else if (type == IabEnrichedResult.class) {
            return iabEnriched(all(results, IabEnrichedResult.class));
        } else if (type == ZeroShotResult.class) {
            return new ZeroShotResult(highest(all(results, ZeroShotResult.class), ZeroShotResult::labels,
                    ScoredLabel::name, ScoredLabel::score));
        } else if (type == ClassificationResult.class) {
            return classification(all(results, ClassificationResult.class));
        } else if (type == EntitiesResult.class) {
            return entities(all(results, EntitiesResult.class));
        } else if (type == ExtractionResult.class) {
            return extraction(all(results, ExtractionResult.class));
        }
        return pii(all(results, PiiResult.class), pieces, text);
    }

    private static <R> List<R> all(List<TaskResult> results, Class<R> type) {
        return results.stream().map(type::cast).toList();
    }

    /**
     * Per key, the item of the highest score over every result's list (the first seen on a tie), highest first (a
     * stable sort: ties keep first-seen order).
     */
    private static <R, T> List<T> highest(List<R> results, Function<R, List<T>> list, Function<T, Object> key,
                                          ToDoubleFunction<T> score) {
        Map<Object, T> best = new LinkedHashMap<>();
        int longest = 0;
        for (R r : results) {
            List<T> items = list.apply(r);
            longest = Math.max(longest, items.size());
            for (T item : items) {
                best.merge(key.apply(item), item, (a, b) -> score.applyAsDouble(b) > score.applyAsDouble(a) ? b : a);
            }
        }
        List<T> out = new ArrayList<>(best.values());
        out.sort(Comparator.comparingDouble(score).reversed());
        // As many as one answer holds (the model's top k): a long text's result reads like a short one's.
        return List.copyOf(out.subList(0, Math.min(out.size(), longest)));
    }

    private static IabResult iab(List<IabResult> rs) {
        return new IabResult(highest(rs, IabResult::audience, ScoredLabel::name, ScoredLabel::score),
                highest(rs, IabResult::iab10, ScoredLabel::name, ScoredLabel::score),
                highest(rs, IabResult::iab22, ScoredLabel::name, ScoredLabel::score));
    }

    private static IabEnrichedResult iabEnriched(List<IabEnrichedResult> rs) {
        Set<String> keywords = new LinkedHashSet<>();
        IabEnrichedResult.UserIntent intent = null;
        for (IabEnrichedResult r : rs) {
            keywords.addAll(r.keywords());
            if (r.userIntent() != null && (intent == null || r.userIntent().score() > intent.score())) {
                intent = r.userIntent();
            }
        }
        return new IabEnrichedResult(
                highest(rs, IabEnrichedResult::audience,
                        a -> a.id() != null ? "id " + a.id() : "name " + a.name(), IabEnrichedResult.Audience::score),
                highest(rs, IabEnrichedResult::iab10, IabEnrichedResult.Category::code,
                        IabEnrichedResult.Category::score),
                highest(rs, IabEnrichedResult::topics, ScoredLabel::name, ScoredLabel::score),
                List.copyOf(keywords), intent);
    }

    private static ClassificationResult classification(List<ClassificationResult> rs) {
        // axis -> label -> votes, labels in first-seen (earliest piece) order
        Map<String, Map<String, Integer>> votes = new LinkedHashMap<>();
        for (ClassificationResult r : rs) {
            r.classification().forEach((axis, label) ->
                    votes.computeIfAbsent(axis, a -> new LinkedHashMap<>()).merge(label, 1, Integer::sum));
        }
        Map<String, String> out = new LinkedHashMap<>();
        votes.forEach((axis, counts) -> {
            String winner = null;
            int most = 0;
            for (Map.Entry<String, Integer> c : counts.entrySet()) {
                if (c.getValue() > most) {
                    winner = c.getKey();
                    most = c.getValue();
                }
            }
            out.put(axis, winner);
        });
        return new ClassificationResult(out);
    }

    private static EntitiesResult entities(List<EntitiesResult> rs) {
        Map<String, Set<String>> union = new LinkedHashMap<>();
        for (EntitiesResult r : rs) {
            r.entities().forEach((label, spans) -> union.computeIfAbsent(label, l -> new LinkedHashSet<>())
                    .addAll(spans));
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        union.forEach((label, spans) -> out.put(label, List.copyOf(spans)));
        return new EntitiesResult(out);
    }

    private static ExtractionResult extraction(List<ExtractionResult> rs) {
        Map<String, Set<Map<String, Object>>> rows = new LinkedHashMap<>();
        for (ExtractionResult r : rs) {
            r.data().forEach((group, list) -> rows.computeIfAbsent(group, g -> new LinkedHashSet<>()).addAll(list));
        }
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        rows.forEach((group, set) -> out.put(group, new ArrayList<>(set)));
        return new ExtractionResult(out);
    }

    private static PiiResult pii(List<PiiResult> rs, List<TextPiece> pieces, String text) {
        List<PiiEntity> kept = new ArrayList<>();
        boolean redacted = false;
        for (int k = 0; k < rs.size(); k++) {
            int shift = pieces.get(k).start();
            redacted |= rs.get(k).redactedText() != null;
            for (PiiEntity e : rs.get(k).entities()) {
                keep(kept, new PiiEntity(e.text(), e.label(), e.start() + shift, e.end() + shift, e.score(),
                        e.textHmac()));
            }
        }
        kept.sort(Comparator.comparingInt(PiiEntity::start).thenComparingInt(PiiEntity::end));
        int length = CodePointSpans.length(text);
        for (int i = 0; i < kept.size(); i++) {
            PiiEntity e = kept.get(i);
            if (e.text() != null) {
                CodePointSpans.check(text, e.text(), e.start(), e.end(), "$.entities[" + i + "]");
            } else if (e.end() > length) {
                throw new ContentShapeException("expected offsets within the input's " + length
                        + " code points at $.entities[" + i + "], found end " + e.end());
            }
        }
        return new PiiResult(kept, PiiResult.groupByLabel(kept), redacted ? redact(text, kept) : null);
    }

    /**
     * Adds {@code c} to {@code kept} unless an entity of its label has its span (then the higher score stays) or
     * overlaps it and is at least as long; replaces the overlapping ones of its label it is longer than.
     */
    private static void keep(List<PiiEntity> kept, PiiEntity c) {
        List<Integer> shorter = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            PiiEntity k = kept.get(i);
            if (!k.label().equals(c.label())) {
                continue;
            }
            if (k.start() == c.start() && k.end() == c.end()) {
                if (c.score() > k.score()) {
                    kept.set(i, new PiiEntity(k.text(), k.label(), k.start(), k.end(), c.score(), k.textHmac()));
                }
                return;
            }
            if (k.start() < c.end() && c.start() < k.end()) {
                if (k.end() - k.start() >= c.end() - c.start()) {
                    return;
                }
                shorter.add(i);
            }
        }
        for (int j = shorter.size() - 1; j >= 0; j--) {
            kept.remove((int) shorter.get(j));
        }
        kept.add(c);
    }

    /**
     * {@code text} with each entity's span replaced by the API's placeholder ({@code [PERSON]},
     * {@code [PHONE_NUMBER]}); overlapping spans are replaced once, together, by the first one's placeholder.
     *
     * @param entities sorted by start
     */
    private static String redact(String text, List<PiiEntity> entities) {
        StringBuilder out = new StringBuilder(text.length());
        int cp = 0; // code points of text copied or replaced so far
        int at = 0; // the same as a UTF-16 index
        int i = 0;
        while (i < entities.size()) {
            PiiEntity first = entities.get(i);
            int end = first.end();
            for (i++; i < entities.size() && entities.get(i).start() < end; i++) {
                end = Math.max(end, entities.get(i).end());
            }
            if (first.start() == end || end <= cp) {
                continue; // empty, or within what was already replaced
            }
            int from = text.offsetByCodePoints(at, Math.max(first.start(), cp) - cp);
            out.append(text, at, from).append('[')
                    .append(first.label().toUpperCase(Locale.ROOT).replace(' ', '_')).append(']');
            at = text.offsetByCodePoints(from, end - Math.max(first.start(), cp));
            cp = end;
        }
        return out.append(text, at, text.length()).toString();
    }
}
