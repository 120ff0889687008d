package dev.enricher.tasks;

import dev.enricher.avro.ThinkingSplit;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.Choice;
import dev.enricher.client.ModelCatalog;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers with {@code LFM2.5-1.2B-Thinking}: the text is the only (user) message; the content is plain text
 * with visible reasoning, which this task separates from the answer. Immutable and thread-safe.
 *
 * <h2>How the answer is told apart from the reasoning</h2>
 * <ol>
 * <li><b>Tags.</b> When the content has a {@code </think>} (any case), everything before the last one is the
 *     reasoning (with the {@code <think>} / {@code </think>} tags removed) and everything after it is the answer.
 *     A missing opening tag is normal: chat templates often put {@code <think>} in the prompt. Nothing after
 *     the last {@code </think>} means there is no answer: unparseable. A {@code <think>} that is never closed
 *     means the reasoning was cut off: the text before it is the answer if there is any, else unparseable.</li>
 * <li><b>Answer marker.</b> Without tags, the last line that starts with {@code Answer:} or
 *     {@code Final answer:} (any case, optionally in Markdown bold or after a heading {@code #}) starts the
 *     answer; what precedes it is the reasoning. A marker with nothing after it is ignored.</li>
 * <li><b>Nothing else.</b> Otherwise the whole content is the answer and the reasoning is null. Taking the last
 *     paragraph as the answer was considered and rejected: a multi-paragraph answer without reasoning is common,
 *     and cutting it would lose answer text silently, while leaving reasoning in the answer loses nothing and is
 *     visible in {@link ThinkingResult#split()}.</li>
 * </ol>
 *
 * @param name  the task's name, default {@code thinking}
 * @param model the model id, default {@code LFM2.5-1.2B-Thinking}
 */
public record ThinkingTask(String name, String model) implements EnrichmentTask {
    private static final Pattern OPEN = Pattern.compile("<think>", Pattern.CASE_INSENSITIVE);
    private static final Pattern CLOSE = Pattern.compile("</think>", Pattern.CASE_INSENSITIVE);
    private static final Pattern TAG = Pattern.compile("</?think>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ANSWER_MARKER = Pattern.compile(
            "^[ \\t]*(?:#{1,6}[ \\t]*)?(?:\\*\\*)?(?:final[ \\t]+)?answer[ \\t]*(?:\\*\\*)?[ \\t]*:[ \\t]*(?:\\*\\*)?",
            Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

    /** Null arguments take the defaults of {@link TaskType#THINKING}. */
    public ThinkingTask {
        name = TaskType.THINKING.nameOrDefault(name);
        model = TaskType.THINKING.modelOrDefault(model);
    }

    /** The task with its default name and model. */
    public ThinkingTask() {
        this(null, null);
    }

    @Override
    public ChatRequest request(String text) {
        return ChatRequest.builder(model).user(text).build();
    }

    @Override
    public ThinkingResult parse(ChatCompletion completion) {
        return ContentParser.text(completion, content -> {
            Choice choice = completion.choices().get(0);
            if (content.isBlank()) {
                throw new ContentShapeException("expected an answer, found empty content"
                        + ContentParser.finishNote(choice));
            }
            // Positions come from matchers on the original text: lower-casing can change a string's length.
            int close = lastStart(CLOSE, content);
            if (close >= 0) {
                String answer = content.substring(close + "</think>".length()).strip();
                if (answer.isEmpty()) {
                    throw new ContentShapeException("expected an answer after the last </think>, found none"
                            + ContentParser.finishNote(choice));
                }
                String reasoning = TAG.matcher(content.substring(0, close)).replaceAll("").strip();
                return new ThinkingResult(answer, reasoning, ThinkingResult.Split.TAGS, choice.truncated());
            }
            Matcher open = OPEN.matcher(content);
            if (open.find()) {
                String before = content.substring(0, open.start()).strip();
                if (before.isEmpty()) {
                    throw new ContentShapeException("expected an answer, found only reasoning opened by <think> and"
                            + " never closed" + ContentParser.finishNote(choice));
                }
                String reasoning = TAG.matcher(content.substring(open.start())).replaceAll("").strip();
                return new ThinkingResult(before, reasoning, ThinkingResult.Split.TAGS, choice.truncated());
            }
            return splitByMarker(content, choice.truncated());
        });
    }

    private static int lastStart(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int start = -1;
        while (m.find()) {
            start = m.start();
        }
        return start;
    }

    private static ThinkingResult splitByMarker(String content, boolean truncated) {
        Matcher m = ANSWER_MARKER.matcher(content);
        int start = -1;
        int end = -1;
        while (m.find()) {
            start = m.start();
            end = m.end();
        }
        if (start >= 0) {
            String answer = stripTrailingBold(content.substring(end).strip());
            if (!answer.isEmpty()) {
                String reasoning = content.substring(0, start).strip();
                return new ThinkingResult(answer, reasoning, ThinkingResult.Split.ANSWER_MARKER, truncated);
            }
        }
        return new ThinkingResult(content.strip(), null, ThinkingResult.Split.NONE, truncated);
    }

    /** {@code **Answer:** 42**} happens when the bold wraps the whole line. */
    private static String stripTrailingBold(String s) {
        return s.endsWith("**") && !s.substring(0, s.length() - 2).contains("**")
                ? s.substring(0, s.length() - 2).strip() : s;
    }

    /** The {@link TaskType#THINKING} type: no options; results fill the enriched record's {@code thinking} field. */
    static final class Definition extends TypeDefinition<ThinkingTask, ThinkingResult> {
        Definition() {
            super(ThinkingTask.class, "thinking", ModelCatalog.LFM_THINKING, List.of(),
                    ThinkingResult.class, dev.enricher.avro.ThinkingResult.getClassSchema());
        }

        @Override
        ThinkingTask create(String name, String model, TaskOptions options) {
            return new ThinkingTask(name, model);
        }

        @Override
        dev.enricher.avro.ThinkingResult toAvro(ThinkingResult r) {
            return new dev.enricher.avro.ThinkingResult(r.answer(), r.reasoning(),
                    ThinkingSplit.valueOf(r.split().name()), r.truncated());
        }
    }
}
