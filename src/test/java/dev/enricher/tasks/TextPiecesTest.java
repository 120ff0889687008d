package dev.enricher.tasks;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextPiecesTest {

    /** Checks everything split promises, and returns the pieces. */
    private static List<TextPiece> splitChecked(String text, int max, int overlap) {
        List<TextPiece> pieces = TextPieces.split(text, max, overlap);
        assertThat(pieces).isNotEmpty();
        assertThat(pieces.get(0).start()).isZero();
        assertThat(pieces.get(pieces.size() - 1).end()).isEqualTo(CodePointSpans.length(text));
        for (int k = 0; k < pieces.size(); k++) {
            TextPiece p = pieces.get(k);
            assertThat(p.index()).isEqualTo(k);
            assertThat(CodePointSpans.slice(text, p.start(), p.end())).isEqualTo(p.text());
            assertThat(TokenEstimate.of(p.text())).as("piece %s", k).isLessThanOrEqualTo(max);
            if (!p.text().isEmpty()) {
                assertThat(Character.isLowSurrogate(p.text().charAt(0))).isFalse();
                assertThat(Character.isHighSurrogate(p.text().charAt(p.text().length() - 1))).isFalse();
            }
            if (k > 0) {
                TextPiece prev = pieces.get(k - 1);
                assertThat(p.start()).as("no gap").isLessThanOrEqualTo(prev.end());
                assertThat(p.start()).as("progress").isGreaterThan(prev.start());
                assertThat(p.end()).as("new text").isGreaterThan(prev.end());
                assertThat(TokenEstimate.of(CodePointSpans.slice(text, p.start(), prev.end())))
                        .as("overlap bounded").isLessThanOrEqualTo(overlap);
            }
        }
        return pieces;
    }

    @Test
    void aTextThatFitsIsOnePiece() {
        assertThat(TextPieces.split("Hello world. Bye.", 100, 10)).containsExactly(
                new TextPiece(0, 0, 17, "Hello world. Bye."));
        String exact = "a😀b"; // 1 + 4 + 1 tokens (a letter, the emoji's 4 bytes, a letter), 3 code points
        assertThat(TextPieces.split(exact, 6, 0)).containsExactly(new TextPiece(0, 0, 3, exact));
        assertThat(TextPieces.head(exact, 6)).isEqualTo(new TextPiece(0, 0, 3, exact));
        assertThat(TextPieces.split("", 5, 0)).containsExactly(new TextPiece(0, 0, 0, ""));
        assertThat(TextPieces.split("   ", 5, 0)).containsExactly(new TextPiece(0, 0, 3, "   "));
        assertThat(TextPieces.split("a😀bcde", 6, 0)).hasSize(2); // 1 + 4 + 2
    }

    @Test
    void packsWholeSentencesAndCutsBetweenThem() {
        String text = "One two three. Four five six. Seven eight nine. Ten eleven twelve.";
        // 5 + 6 + 7 + 6 tokens
        List<TextPiece> pieces = splitChecked(text, 11, 0);
        assertThat(pieces).extracting(TextPiece::text).containsExactly(
                "One two three. Four five six. ", "Seven eight nine. ", "Ten eleven twelve.");
        assertThat(pieces.get(1).start()).isEqualTo(30);
    }

    @Test
    void consecutivePiecesOverlapByTrailingWholeSentences() {
        String text = "Aa. Bb. Cc. Dd. Ee. Ff. Gg. Hh.";
        // Sentences of 2 tokens ("Aa. "); 6 tokens a piece, at most 2 repeated.
        List<TextPiece> pieces = splitChecked(text, 6, 2);
        assertThat(pieces).extracting(TextPiece::text).containsExactly(
                "Aa. Bb. Cc. ", "Cc. Dd. Ee. ", "Ee. Ff. Gg. ", "Gg. Hh.");
        assertThat(splitChecked(text, 6, 4)).extracting(TextPiece::text).containsExactly(
                "Aa. Bb. Cc. ", "Bb. Cc. Dd. ", "Cc. Dd. Ee. ", "Dd. Ee. Ff. ", "Ee. Ff. Gg. ", "Ff. Gg. Hh.");
    }

    @Test
    void noOverlapWhenTheLastSentenceAloneIsBigger() {
        String text = "Short. A rather longer sentence. Another long sentence here. End.";
        // 3 + 9 + 11 + 2 tokens: the second piece's overlap would be the 9-token sentence
        List<TextPiece> pieces = splitChecked(text, 14, 2);
        assertThat(pieces).hasSize(2);
        for (int k = 1; k < pieces.size(); k++) {
            assertThat(pieces.get(k).start()).isEqualTo(pieces.get(k - 1).end());
        }
    }

    @Test
    void offsetsCountCodePointsAfterEmojiAndCjk() {
        String text = "😀 Smile first. 東京で会議があります。明日は雨です。 Then 🎉 party 😀 time. 𝐀𝐁𝐂 letters end.";
        for (int max = 12; max <= 60; max += 7) {
            List<TextPiece> pieces = splitChecked(text, max, max / 4);
            assertThat(pieces.size()).isGreaterThan(1);
        }
        List<TextPiece> pieces = splitChecked(text, 40, 10);
        TextPiece second = pieces.get(1);
        int utf16Start = text.offsetByCodePoints(0, second.start());
        assertThat(text.substring(utf16Start)).startsWith(second.text());
        assertThat(second.start()).isLessThan(utf16Start); // the leading emoji counts once, not twice
    }

    @Test
    void aSentenceOverTheLimitIsCutBetweenWords() {
        String text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho.";
        List<TextPiece> pieces = splitChecked(text, 8, 2); // 31 tokens, words of 1 to 3
        assertThat(pieces.size()).isGreaterThan(3);
        for (TextPiece p : pieces.subList(0, pieces.size() - 1)) {
            int end = text.offsetByCodePoints(0, p.end());
            assertThat(Character.isLetter(text.charAt(end - 1)) && Character.isLetter(text.charAt(end)))
                    .as("cut inside a word at %s", p.end()).isFalse();
        }
        // A word alone over the limit is cut between code points.
        assertThat(splitChecked("tiny supercalifragilisticexpialidocious end", 10, 0))
                .extracting(TextPiece::text).contains("tiny ").anyMatch(t -> t.length() == 10);
    }

    @Test
    void oneGiantSentenceWithoutSpaces() {
        String text = "a".repeat(1000);
        List<TextPiece> pieces = splitChecked(text, 64, 8);
        assertThat(pieces).hasSize(16); // 15 x 64 + 40: a fragment is never repeated as overlap
        String emoji = "😀東".repeat(300);
        List<TextPiece> emojiPieces = splitChecked(emoji, 10, 3);
        assertThat(emojiPieces.get(0).text()).isEqualTo("😀東"); // 7 bytes; one more emoji would make 11
        assertThat(emojiPieces.get(1).start()).isEqualTo(2);
    }

    @Test
    void fiftyThousandCharacters() {
        Random random = new Random(7);
        String[] words = {"the", "stream", "enricher", "calls", "models", "東京", "😀", "naïve", "𝐀𝐁𝐂", "Jane", "Doe"};
        StringBuilder s = new StringBuilder();
        while (s.length() < 50_000) {
            int n = 3 + random.nextInt(25);
            for (int i = 0; i < n; i++) {
                s.append(words[random.nextInt(words.length)]).append(i == n - 1 ? ". " : " ");
            }
            if (random.nextInt(40) == 0) {
                s.append("x".repeat(900)).append(". ");
            }
        }
        String text = s.toString();
        long t0 = System.nanoTime();
        List<TextPiece> pieces = splitChecked(text, 400, 40);
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
        assertThat(pieces.size()).isBetween(80, 400);
        assertThat(splitChecked(text, 800, 0)).hasSizeLessThan(pieces.size());
        TextPiece head = TextPieces.head(text, 400);
        assertThat(head.text()).isEqualTo(pieces.get(0).text());
    }

    @Test
    void headEndsAtASentenceElseAWordElseACodePoint() {
        // 4 + 4 + 3 tokens
        assertThat(TextPieces.head("First one. Second one. Third.", 7).text()).isEqualTo("First one. ");
        assertThat(TextPieces.head("First one. Second one. Third.", 8).text()).isEqualTo("First one. Second one. ");
        assertThat(TextPieces.head("First one. Second one. Third.", 100).text())
                .isEqualTo("First one. Second one. Third.");
        String giant = "Short one. " + "Word ".repeat(50) + "end. Tail.";
        assertThat(TextPieces.head(giant, 40).text()).isEqualTo("Short one. ");
        TextPiece words = TextPieces.head("word ".repeat(50), 12); // cut between words: 2 a word, 1 a space
        assertThat(words.text()).isEqualTo("word word word word ");
        assertThat(words).isEqualTo(new TextPiece(0, 0, 20, "word word word word "));
        assertThat(TextPieces.head("😀😀😀😀", 9)).isEqualTo(new TextPiece(0, 0, 2, "😀😀"));
        assertThat(TextPieces.head("abcdefgh", 2).text()).as("3 tokens whole, 1 a letter when cut").isEqualTo("ab");
    }

    @Test
    void limitsUnderACodePointStillMakeProgress() {
        // One code point is a piece on its own even when it is over a limit under 4.
        assertThat(TextPieces.split("😀😀a", 1, 0)).extracting(TextPiece::text).containsExactly("😀", "😀", "a");
        assertThat(TextPieces.head("😀😀", 2).text()).isEqualTo("😀");
    }

    @Test
    void rejectsBadLimits() {
        assertThatThrownBy(() -> TextPieces.split("x", 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxTokens must be >= 1, was 0");
        assertThatThrownBy(() -> TextPieces.split("x", 10, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("overlapTokens must be >= 0 and < maxTokens (10), was -1");
        assertThatThrownBy(() -> TextPieces.split("x", 10, 10)).hasMessageContaining("was 10");
        assertThatThrownBy(() -> TextPieces.head("x", -3)).hasMessage("maxTokens must be >= 1, was -3");
        assertThatThrownBy(() -> TextPieces.split("a".repeat(20_000), 4, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 4096 pieces");
    }

    @Test
    void pieceValidatesItsOffsets() {
        assertThatThrownBy(() -> new TextPiece(0, 2, 1, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TextPiece(-1, 0, 0, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TextPiece(0, 0, 2, "😀")).hasMessageContaining("its text has 1");
        assertThat(new TextPiece(1, 5, 6, "😀").toString()).doesNotContain("😀");
    }
}
