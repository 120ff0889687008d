package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ModelCatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Follow-up questions with {@code zlm-v1-followup-questions-edge} (deprecated in 2026, hence the model is a
 * setting): the raw text is the only (user) message.
 *
 * <p>The model answers a JSON array of strings ({@code ["q1?","q2?"]}); older versions answered one
 * question per line. Both are read: content starting with {@code [} or {@code {} must be a JSON array of
 * strings (a broken array is refused, not read as text); anything else is split into lines, list markers
 * ({@code -}, {@code *}, {@code •}, {@code 1.}, {@code 2)}, {@code (3)}, {@code Q4:}) are stripped and blank
 * lines dropped. Questions are trimmed and blank ones dropped in both formats. Immutable and thread-safe.
 *
 * @param name  the task's name, default {@code followups}
 * @param model the model id, default {@code zlm-v1-followup-questions-edge}
 */
public record FollowupQuestionsTask(String name, String model) implements EnrichmentTask {
    private static final String EXPECTED = "a JSON array of question strings or newline-separated questions";
    private static final Pattern LINE_BREAK = Pattern.compile("\\R");
    private static final Pattern LIST_MARKER = Pattern.compile(
            "^(?:[-*•·‣▪–—]+|\\(?\\d{1,3}[.):]|[Qq]\\d{1,3}[.):]?)\\s*");

    /** Null arguments take the defaults of {@link TaskType#FOLLOWUP_QUESTIONS}. */
    public FollowupQuestionsTask {
        name = TaskType.FOLLOWUP_QUESTIONS.nameOrDefault(name);
        model = TaskType.FOLLOWUP_QUESTIONS.modelOrDefault(model);
    }

    /** The task with its default name and model. */
    public FollowupQuestionsTask() {
        this(null, null);
    }

    @Override
    public ChatRequest request(String text) {
        return ChatRequest.builder(model).user(text).build();
    }

    @Override
    public FollowupQuestionsResult parse(ChatCompletion completion) {
        return ContentParser.text(completion, content -> {
            String trimmed = content.strip();
            if (trimmed.isEmpty()) {
                throw new ContentShapeException("expected " + EXPECTED + ", found empty content");
            }
            boolean json = trimmed.startsWith("[") || trimmed.startsWith("{");
            return new FollowupQuestionsResult(json ? fromJson(trimmed) : fromLines(trimmed));
        });
    }

    private static List<String> fromJson(String content) {
        JsonNode root = ContentParser.readTree(content, "a JSON array of question strings");
        JsonShape.array(root, "$");
        List<String> questions = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            String q = JsonShape.string(root.get(i), "$[" + i + "]").strip();
            if (!q.isEmpty()) {
                questions.add(q);
            }
        }
        return questions;
    }

    private static List<String> fromLines(String content) {
        List<String> questions = new ArrayList<>();
        for (String line : LINE_BREAK.split(content)) {
            String q = LIST_MARKER.matcher(line.strip()).replaceFirst("").strip();
            if (!q.isEmpty()) {
                questions.add(q);
            }
        }
        if (questions.isEmpty()) {
            throw new ContentShapeException("expected " + EXPECTED + ", found only list markers");
        }
        return questions;
    }

    /**
     * The {@link TaskType#FOLLOWUP_QUESTIONS} type: no options; results fill the enriched record's
     * {@code followup_questions} field.
     */
    static final class Definition extends TypeDefinition<FollowupQuestionsTask, FollowupQuestionsResult> {
        Definition() {
            super(FollowupQuestionsTask.class, "followups", ModelCatalog.FOLLOWUP, List.of(),
                    FollowupQuestionsResult.class, dev.enricher.avro.FollowupQuestionsResult.getClassSchema());
        }

        @Override
        FollowupQuestionsTask create(String name, String model, TaskOptions options) {
            return new FollowupQuestionsTask(name, model);
        }

        @Override
        dev.enricher.avro.FollowupQuestionsResult toAvro(FollowupQuestionsResult r) {
            return new dev.enricher.avro.FollowupQuestionsResult(r.questions());
        }
    }
}
