package io.basalt.cli;

import java.util.Locale;

/**
 * Counts such as IOPS limits as people write them: {@code 1500}, {@code 20K} (20,000), {@code 2M}
 * (2,000,000). Decimal, as IOPS are quoted; sizes use binary units instead (see Sizes).
 */
final class Counts {
    private Counts() {
    }

    /** @throws IllegalArgumentException with the text and what is expected */
    static long parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        long multiplier = s.endsWith("K") ? 1_000L : s.endsWith("M") ? 1_000_000L : 1L;
        String digits = multiplier == 1 ? s : s.substring(0, s.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("expected a whole number, optionally with K or M (e.g. 1500, 20K), not '"
                    + text + "'");
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    /** The shortest form {@link #parse} reads back exactly: 1500, 20K, 2M. */
    static String format(long count) {
        if (count != 0 && count % 1_000_000 == 0) {
            return count / 1_000_000 + "M";
        }
        return count != 0 && count % 1_000 == 0 ? count / 1_000 + "K" : Long.toString(count);
    }
}
