package io.basalt.server.version;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project version, stamped into a resource at build time. A leaf package of its own: the
 * daemon's wiring (io.basalt.server) and the layers it wires (the API's brick info) both name the
 * version, and a version kept in the wiring's package made those layers depend back on it.
 */
public final class BasaltVersion {
    /** The NVMe firmware revision field holds 8 ASCII characters. */
    static final int FIRMWARE_LENGTH = 8;
    /** The dotted numeric release part of a version: "0.1.0" in "0.1.0-SNAPSHOT". */
    private static final Pattern RELEASE = Pattern.compile("\\d+(\\.\\d+)*");
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

    /** The Netty release the brick runs on, as its jar says. */
    public static String nettyVersion() {
        io.netty.util.Version v = io.netty.util.Version.identify().get("netty-common");
        return v == null ? "unknown" : v.artifactVersion();
    }

    public static String version() {
        return VERSION;
    }

    /** The firmware revision hosts see in Identify Controller (FR): see {@link #firmwareRevision}. */
    public static String firmware() {
        return firmwareRevision(VERSION);
    }

    /**
     * The release number of a version, fit to the 8-character firmware revision: "0.1.0-SNAPSHOT"
     * becomes "0.1.0". Cutting the full version at 8 characters gave "0.1.0-SN", which reads like
     * a version of its own; the qualifier is dropped instead, and a release number too long for the
     * field loses whole trailing components ("123.456.789" becomes "123.456"), never part of one.
     * The full version is in the banner, {@code basalt --version} and the API's brick info.
     */
    static String firmwareRevision(String version) {
        Matcher m = RELEASE.matcher(version);
        if (!m.lookingAt()) {
            return "unknown";
        }
        String release = m.group();
        while (release.length() > FIRMWARE_LENGTH && release.contains(".")) {
            release = release.substring(0, release.lastIndexOf('.'));
        }
        return release.length() <= FIRMWARE_LENGTH ? release : "unknown";
    }
}
