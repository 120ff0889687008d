package dev.enricher.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in a configuration file's text with environment values;
 * {@code $${} stays a literal {@code ${}. Written by hand: it is a dozen lines, and the libraries that do it
 * (commons-text) would not report an unset variable with its line number.
 */
final class EnvSubstitution {
    private static final Pattern REF = Pattern.compile("\\$?\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvSubstitution() {
    }

    static String apply(String text, Map<String, String> env, List<ConfigException.Problem> problems) {
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String whole = m.group();
            String replacement;
            if (whole.startsWith("$$")) {
                replacement = whole.substring(1);
            } else {
                String value = env.get(m.group(1));
                if (value == null) {
                    value = m.group(2);
                }
                if (value == null) {
                    problems.add(new ConfigException.Problem("line " + line(text, m.start()),
                            "${" + m.group(1) + "} is not set in the environment; set it, or give a default as ${"
                                    + m.group(1) + ":-value}"));
                    value = "";
                }
                replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static int line(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
