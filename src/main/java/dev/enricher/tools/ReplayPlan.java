package dev.enricher.tools;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * What the {@link DeadLetterReplayer} does with one dead letter: replay it (with which headers), skip it (a filter
 * does not match) or refuse it (it was replayed too often already). A pure function of the dead letter and the
 * options.
 *
 * @param categories  the categories to replay; empty for all
 * @param since       replay only dead letters written at or after this instant; null for no bound
 * @param maxReplays  the most times one record may be replayed, >= 1
 */
public record ReplayPlan(Set<DeadLetterCategory> categories, Instant since, int maxReplays) {
    /** The header counting replays: ASCII decimal, 1 on the first replay. */
    public static final String REPLAY_COUNT_HEADER = "enricher.replay-count";

    public ReplayPlan {
        categories = categories.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(categories));
        if (maxReplays < 1) {
            throw new IllegalArgumentException("--max-replays " + maxReplays + " must be at least 1");
        }
    }

    public enum Outcome { REPLAY, SKIP_FILTER, REFUSE_MAX_REPLAYS }

    /**
     * @param outcome     what to do
     * @param headers     for REPLAY: the original headers in their order without any replay-count header, then the
     *                    new replay-count header; empty otherwise
     * @param replayCount the replay count the record would carry (previous + 1); 0 when skipped by a filter
     * @param why         for SKIP_FILTER and REFUSE_MAX_REPLAYS, in words; null for REPLAY
     */
    public record Decision(Outcome outcome, List<Header> headers, int replayCount, String why) {
        public Decision {
            headers = List.copyOf(headers);
        }
    }

    /**
     * @param writtenAt when the dead letter was written when its {@code dead_lettered_at} is null (the dead-letter
     *                  record's own timestamp)
     */
    public Decision decide(DeadLetter dl, Instant writtenAt) {
        if (!categories.isEmpty() && !categories.contains(dl.getCategory())) {
            return new Decision(Outcome.SKIP_FILTER, List.of(), 0, "category " + dl.getCategory() + " not selected");
        }
        Instant at = dl.getDeadLetteredAt() != null ? dl.getDeadLetteredAt() : writtenAt;
        if (since != null && (at == null || at.isBefore(since))) {
            return new Decision(Outcome.SKIP_FILTER, List.of(), 0, "dead-lettered at " + at + ", before --since " + since);
        }
        int previous = 0;
        List<Header> headers = new ArrayList<>();
        for (dev.enricher.avro.Header h : dl.getHeaders()) {
            byte[] value = JsonRendering.bytes(h.getValue());
            if (REPLAY_COUNT_HEADER.equals(h.getKey())) {
                String text = value == null ? "" : new String(value, StandardCharsets.US_ASCII).strip();
                try {
                    previous = Math.max(previous, Integer.parseInt(text));
                } catch (NumberFormatException e) {
                    return new Decision(Outcome.REFUSE_MAX_REPLAYS, List.of(), 0, "its " + REPLAY_COUNT_HEADER
                            + " header '" + text + "' is not a number, so how often it was replayed is unknown");
                }
                continue;
            }
            headers.add(new RecordHeader(h.getKey(), value));
        }
        int next = previous + 1;
        if (next > maxReplays) {
            return new Decision(Outcome.REFUSE_MAX_REPLAYS, List.of(), next, "it was replayed " + previous
                    + " time(s) already; another would exceed --max-replays " + maxReplays);
        }
        headers.add(new RecordHeader(REPLAY_COUNT_HEADER, Integer.toString(next).getBytes(StandardCharsets.US_ASCII)));
        return new Decision(Outcome.REPLAY, headers, next, null);
    }
}
