package io.basalt.cli;

import io.basalt.units.Sizes;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks of argument values while picocli parses the command line, so that a bad value is a usage
 * error naming its option (see {@link UsageErrorHandler}) and never a request to the brick.
 */
final class Converters {
    private Converters() {
    }

    /** A byte size or rate: {@code 100MiB}, {@code 10GiB}, {@code 4096}; never negative. */
    static final class Size implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Sizes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A count such as an IOPS limit: {@code 1500}, {@code 20K}; never negative. */
    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Counts.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A label, {@code KEY=VALUE} with a key. */
    static final class Label implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.indexOf('=') <= 0) {
                throw new TypeConversionException("expected KEY=VALUE (e.g. app=db), not '" + value + "'");
            }
            return value;
        }
    }

    /** A failure-domain set, {@code KEY=VALUE[,KEY=VALUE...]} (e.g. {@code zone=a,rack=r1}). */
    static final class DomainSet implements ITypeConverter<Map<String, String>> {
        @Override
        public Map<String, String> convert(String value) {
            Map<String, String> set = new LinkedHashMap<>();
            for (String pair : value.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw new TypeConversionException("expected KEY=VALUE[,KEY=VALUE...] (e.g. zone=a,rack=r1), not '"
                            + value + "'");
                }
                set.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return set;
        }
    }

    /** {@code on} or {@code off}. */
    static final class OnOff implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value) {
                case "on" -> true;
                case "off" -> false;
                default -> throw new TypeConversionException("expected on or off, not '" + value + "'");
            };
        }
    }

    /** The output format of the API subcommands. */
    static final class Output implements ITypeConverter<String> {
        static final String TABLE = "table";
        static final String JSON = "json";

        @Override
        public String convert(String value) {
            if (!value.equals(TABLE) && !value.equals(JSON)) {
                throw new TypeConversionException("expected table or json, not '" + value + "'");
            }
            return value;
        }
    }
}
