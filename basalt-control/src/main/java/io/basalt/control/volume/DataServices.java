package io.basalt.control.volume;

import java.util.Locale;
import java.util.Map;

/**
 * A volume's inline data services (docs/engine.md, "Inline data services"): chosen at creation and
 * fixed for the volume's life. Only the storage engine runs them; file and RAM volumes store blocks
 * as written ({@link #NONE}).
 *
 * @param compression {@code lz4} (default), {@code zstd} or {@code off}
 * @param dedup       blocks equal to one already in the pool are stored once (default off)
 * @param encryption  AES-256-XTS at rest with a per-volume key wrapped by the brick's key-encryption
 *                    key, {@code --kek-file} (default off)
 */
public record DataServices(String compression, boolean dedup, boolean encryption) {
    public static final String COMPRESSION_KEY = "compression";
    public static final String DEDUP_KEY = "dedup";
    public static final String ENCRYPTION_KEY = "encryption";
    /** What an engine volume gets when nothing is asked: LZ4 costs little and often halves the bytes. */
    public static final DataServices ENGINE_DEFAULT = new DataServices("lz4", false, false);
    /** File and RAM volumes, and engine volumes of data dirs older than data services. */
    public static final DataServices NONE = new DataServices("off", false, false);

    public DataServices {
        compression = parseCompression(compression);
    }

    /**
     * The services asked for in a volume spec (keys absent: the engine defaults), refused with a
     * reason when the backend cannot run them.
     */
    public static DataServices fromSpec(Map<String, ?> values, Backend backend, String volume) {
        String compression = text(values.get(COMPRESSION_KEY));
        String dedup = text(values.get(DEDUP_KEY));
        String encryption = text(values.get(ENCRYPTION_KEY));
        return of(compression, dedup == null ? null : parseSwitch(DEDUP_KEY, dedup, "on"),
                encryption == null ? null : parseSwitch(ENCRYPTION_KEY, encryption, "aes-xts"), backend, volume);
    }

    /** From optional parts (null: default); refuses services on a backend that has none. */
    public static DataServices of(String compression, Boolean dedup, Boolean encryption, Backend backend,
                                  String volume) {
        if (backend != Backend.ENGINE) {
            boolean asked = (compression != null && !parseCompression(compression).equals("off"))
                    || Boolean.TRUE.equals(dedup) || Boolean.TRUE.equals(encryption);
            if (asked) {
                throw new ConfigException("volume '" + volume + "': compression, dedup and encryption need "
                        + "backend=engine (the " + backend.label() + " backend stores blocks as written)");
            }
            return NONE;
        }
        return new DataServices(compression == null ? ENGINE_DEFAULT.compression : compression,
                dedup != null && dedup, encryption != null && encryption);
    }

    private static String parseCompression(String text) {
        String c = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (c) {
            case "lz4", "zstd", "off" -> c;
            case "none", "false" -> "off"; // YAML 1.1 reads a bare off as false
            default -> throw new ConfigException("compression must be lz4, zstd or off, not '" + text + "'");
        };
    }

    private static boolean parseSwitch(String key, String text, String onWord) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("off") || t.equals("false") || t.equals("none")) {
            return false;
        }
        if (t.equals(onWord) || t.equals("on") || t.equals("true")) {
            return true;
        }
        throw new ConfigException(key + " must be " + onWord + " or off, not '" + text + "'");
    }

    private static String text(Object v) {
        return v == null ? null : String.valueOf(v);
    }

    /** The spec form: {@code compression=lz4,dedup=off,encryption=off}. */
    public String format() {
        return COMPRESSION_KEY + "=" + compression + "," + DEDUP_KEY + "=" + (dedup ? "on" : "off") + ","
                + ENCRYPTION_KEY + "=" + (encryption ? "aes-xts" : "off");
    }
}
