package dev.enricher.tools;

/**
 * What {@link FileEvents} does with a line that is not a JSON object (read as {@link LineFormat#JSON}). Every bad
 * line is reported with its number either way; the policy decides whether it is sent.
 */
public enum BadLinePolicy {
    /** Send it as it is: the service turns it into a dead letter, which is what such a line is for in a test. */
    SEND("sent as it is (it will become a dead letter)") {
        @Override
        boolean send(String label) {
            return true;
        }
    },
    /** Leave it out and go on with the next line. */
    SKIP("skipped") {
        @Override
        boolean send(String label) {
            return false;
        }
    },
    /** Stop the run before it: nothing from this line on is sent. */
    FAIL("stopping (--on-bad-line fail)") {
        @Override
        boolean send(String label) throws BadLineException {
            throw new BadLineException(label);
        }
    };

    private final String action;

    BadLinePolicy(String action) {
        this.action = action;
    }

    /** What is done with the line, in words, for its report. */
    String action() {
        return action;
    }

    /**
     * Whether the bad line called {@code label} is sent.
     *
     * @throws BadLineException to stop the run at this line
     */
    abstract boolean send(String label) throws BadLineException;
}
