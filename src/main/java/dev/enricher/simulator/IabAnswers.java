package dev.enricher.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The IAB classifiers. {@link #BASIC} is {@code zlm-v1-iab-classify-edge} (names and scores only);
 * {@link #ENRICHED} is {@code zlm-v2-iab-classify-edge-enriched} and its v1 name (ids, tiers, parents, plus
 * topics, keywords and a user intent). Categories come from the shipped IAB taxonomies by keyword match.
 */
final class IabAnswers {
    private static final int MAX = 3;

    private IabAnswers() {
    }

    static final AnswerGenerator BASIC = input -> {
        Matches m = classify(input.text());
        ObjectNode root = Json.object();
        ArrayNode audience = root.putArray("audience");
        m.audience.forEach(s -> named(audience, s));
        ObjectNode content = root.putObject("content");
        ArrayNode v10 = content.putArray("iab_1_0");
        m.content10.forEach(s -> named(v10, s));
        ArrayNode v22 = content.putArray("iab_2_2");
        m.content22.forEach(s -> named(v22, s));
        return Json.compact(root);
    };

    static final AnswerGenerator ENRICHED = input -> {
        String text = input.text();
        Matches m = classify(text);
        ObjectNode root = Json.object();
        ArrayNode audience = root.putArray("audience");
        for (IabTaxonomy.Scored s : m.audience) {
            IabTaxonomy.Category c = s.category();
            ObjectNode o = audience.addObject();
            o.put("id", c.id());
            o.put("parent_id", c.parent());
            o.put("name", c.name());
            List<String> t = c.tierNames();
            o.put("tier1_name", t.size() > 0 ? t.get(0) : null);
            o.put("tier2_name", t.size() > 1 ? t.get(1) : null);
            if (t.size() > 2) {
                o.put("tier3_name", t.get(2));
            }
            o.put("score", s.score());
        }
        ObjectNode content = root.putObject("content");
        ArrayNode v10 = content.putArray("iab_1_0");
        for (IabTaxonomy.Scored s : m.content10) {
            IabTaxonomy.Category c = s.category();
            ObjectNode o = v10.addObject();
            o.put("code", c.id());
            o.put("name", c.name());
            o.put("tier", c.tier());
            o.put("parent_code", c.parent());
            o.put("score", s.score());
        }
        ArrayNode v22 = content.putArray("iab_2_2");
        for (IabTaxonomy.Scored s : m.content22) {
            IabTaxonomy.Category c = s.category();
            ObjectNode o = v22.addObject();
            o.put("id", c.id());
            o.put("name", c.name());
            o.put("tier", c.tier());
            o.put("parent_id", c.parent());
            o.put("score", s.score());
        }
        SplittableRandom r = Words.random("topics:" + text);
        ArrayNode topics = root.putArray("topics");
        Map<String, Double> topicScores = new LinkedHashMap<>();
        for (IabTaxonomy.Scored s : m.content22) {
            topicScores.putIfAbsent(s.category().name(), s.score());
        }
        List<String> keywords = Words.keywords(text, 8);
        for (String k : keywords) {
            if (topicScores.size() >= 5) {
                break;
            }
            topicScores.putIfAbsent(Words.capitalize(k), Math.round((0.35 + 0.3 * r.nextDouble()) * 10_000) / 10_000.0);
        }
        topicScores.forEach((name, score) -> topics.addObject().put("name", name).put("score", score));
        ArrayNode kw = root.putArray("keywords");
        keywords.forEach(kw::add);
        root.set("user_intent", intent(text, r));
        return Json.compact(root);
    };

    private record Matches(List<IabTaxonomy.Scored> audience, List<IabTaxonomy.Scored> content10,
                           List<IabTaxonomy.Scored> content22) {
    }

    private static Matches classify(String text) {
        List<String> stems = new ArrayList<>();
        for (String w : Words.words(text)) {
            stems.add(Words.stem(w));
        }
        SplittableRandom r = Words.random(text);
        return new Matches(IabTaxonomy.audience11().classify(stems, r, MAX),
                IabTaxonomy.content10().classify(stems, r, MAX),
                IabTaxonomy.content22().classify(stems, r, MAX));
    }

    private static void named(ArrayNode arr, IabTaxonomy.Scored s) {
        arr.addObject().put("name", s.category().name()).put("score", s.score());
    }

    private static final Set<String> BUY = Set.of("buy", "price", "cheap", "order", "deal", "discount", "purchase",
            "shop", "sale", "cost", "coupon", "book", "subscribe");
    private static final Set<String> COMPARE = Set.of("best", "compare", "vs", "versus", "review", "reviews", "top",
            "alternative", "alternatives");
    private static final Set<String> NAVIGATE = Set.of("login", "website", "homepage", "site", "sign", "account",
            "download", "app");

    /** Intent by cue words, informational otherwise (most text is). */
    private static ObjectNode intent(String text, SplittableRandom r) {
        List<String> words = Words.words(text);
        String name = "informational";
        String category = "learn";
        for (String w : words) {
            if (BUY.contains(w)) {
                name = "transactional";
                category = "purchase";
                break;
            }
            if (COMPARE.contains(w)) {
                name = "commercial_investigation";
                category = "research";
            } else if (NAVIGATE.contains(w) && name.equals("informational")) {
                name = "navigational";
                category = "navigate";
            }
        }
        ObjectNode o = Json.object();
        o.put("name", name);
        o.put("category", category);
        o.put("score", Math.round((0.6 + 0.35 * r.nextDouble()) * 10_000) / 10_000.0);
        return o;
    }
}
