package dev.enricher.tools;

import java.io.IOException;

/** A line that is not a JSON object, met under {@link BadLinePolicy#FAIL}: the run stops before it. */
public final class BadLineException extends IOException {
    BadLineException(String label) {
        super("stopped at " + label + ": not a JSON object (--on-bad-line fail)");
    }
}
