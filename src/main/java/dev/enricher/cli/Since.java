package dev.enricher.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A lower time bound given either as an instant ({@code 2026-11-25T10:00:00Z}, or with an offset such as
 * {@code +01:00}) or as a duration back from now ({@code 1h}, {@code 30m}, {@code PT2H}).
 * Exactly one of the two is set.
 */
record Since(Instant instant, Duration ago) {
    Since {
        if ((instant == null) == (ago == null)) {
            throw new IllegalArgumentException("give an instant or a duration, exactly one");
        }
    }

    /** The bound itself: the instant, or {@code now - ago}. */
    Instant cutoff(Instant now) {
        return instant != null ? instant : now.minus(ago);
    }

    static Since parse(String value) {
        String v = Objects.requireNonNullElse(value, "").strip();
        if (!v.isEmpty() && Character.isDigit(v.charAt(0)) && v.contains("T")) {
            try {
                return new Since(Instant.parse(v), null);
            } catch (DateTimeParseException e) {
                try {
                    return new Since(OffsetDateTime.parse(v).toInstant(), null);
                } catch (DateTimeParseException e2) {
                    throw new TypeConversionException("'" + value + "' is not an ISO-8601 instant such as "
                            + "2026-11-25T10:00:00Z");
                }
            }
        }
        try {
            return new Since(null, DurationConverter.parse(v));
        } catch (TypeConversionException e) {
            throw new TypeConversionException("'" + value + "' is neither an ISO-8601 instant (2026-11-25T10:00:00Z) "
                    + "nor a duration back from now (30m, 1h, 2d, PT1H)");
        }
    }

    /** For picocli. */
    static final class Converter implements ITypeConverter<Since> {
        @Override
        public Since convert(String value) {
            return parse(value);
        }
    }
}
