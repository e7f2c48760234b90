package io.basalt.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The project version, stamped into a resource at build time. */
public final class BasaltVersion {
    /** The NVMe firmware revision field holds 8 ASCII characters. */
    static final int FIRMWARE_LENGTH = 8;
    private static final String VERSION = load();

    private BasaltVersion() {
    }

    private static String load() {
        try (InputStream in = BasaltVersion.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "");
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static String version() {
        return VERSION;
    }

    /** The version cut to fit the firmware revision field: "0.1.0-SNAPSHOT" becomes "0.1.0-SN". */
    public static String firmware() {
        return VERSION.length() <= FIRMWARE_LENGTH ? VERSION : VERSION.substring(0, FIRMWARE_LENGTH);
    }
}
