package io.basalt.csi;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The plugin's version: the build's, stamped into plugin.properties by Maven resource filtering. */
public final class PluginVersion {
    private PluginVersion() {
    }

    public static String version() {
        try (InputStream in = PluginVersion.class.getResourceAsStream("plugin.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
