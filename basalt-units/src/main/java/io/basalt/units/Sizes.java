package io.basalt.units;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as people write them: plain bytes ({@code 1048576}), binary units ({@code KiB MiB GiB
 * TiB}, also written {@code K M G T}) and decimal units ({@code KB MB GB TB}). Units are
 * case-insensitive; a trailing {@code B} alone means bytes.
 *
 * <p>It is a module of its own because a size is part of every layer's language: a volume's
 * {@code size} may be sent to the API as {@code "10GiB"}, the CLI and the brick's config file read and
 * show sizes the same way, and the control plane's answers name them so. A bad size is an {@link IllegalArgumentException} whose message is one line
 * fit to show a user; each caller turns it into its own kind of error (a usage error, a config
 * error, a 400).
 */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");
    private static final String[] BINARY = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Sizes() {
    }

    /** The bytes {@code text} names; {@link IllegalArgumentException} if it is not a size or overflows. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size '" + text + "' (expected a number with an optional unit, e.g. 512MiB, 10GiB, 1TiB)");
        }
        long multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "k", "kib" -> 1L << 10;
            case "m", "mib" -> 1L << 20;
            case "g", "gib" -> 1L << 30;
            case "t", "tib" -> 1L << 40;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            case "tb" -> 1_000_000_000_000L;
            default -> throw new IllegalArgumentException("unknown size unit '" + m.group(2) + "' in '" + text
                    + "' (use KiB, MiB, GiB, TiB, or KB, MB, GB, TB)");
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }

    /** The largest binary unit that shows the size exactly: "1 GiB", "1536 MiB", "512 bytes". */
    public static String format(long bytes) {
        int unit = 0;
        long value = bytes;
        while (unit < BINARY.length - 1 && value != 0 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + " " + BINARY[unit];
    }

    /** A size for people, to three significant digits: "532 MiB", "61.8 GiB", "4 KiB", "100 bytes". */
    public static String formatApprox(long bytes) {
        int unit = 0;
        double value = bytes;
        while (unit < BINARY.length - 1 && Math.abs(value) >= 1024) {
            value /= 1024;
            unit++;
        }
        String digits = unit == 0 || value >= 100 || value == Math.rint(value) ? String.valueOf(Math.round(value))
                : value >= 10 ? String.format(java.util.Locale.ROOT, "%.1f", value)
                : String.format(java.util.Locale.ROOT, "%.2f", value);
        return digits + " " + BINARY[unit];
    }
}
