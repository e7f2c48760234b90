package io.basalt.server.volume;

import io.basalt.nvmet.qos.QosLimits;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Named QoS policies, one {@code DATA_DIR/qos-policies/NAME.properties} each. */
public final class QosPolicyStore {
    public static final String DIR_NAME = "qos-policies";
    private static final String SUFFIX = ".properties";
    private static final String[] KEYS = {"read-iops", "write-iops", "read-bytes-per-second",
            "write-bytes-per-second", "iops-per-gib"};

    /** A named set of limits. */
    public record Policy(String name, QosLimits limits) {
    }

    private final Path dir;
    private final Map<String, QosLimits> policies;

    private QosPolicyStore(Path dir, Map<String, QosLimits> policies) {
        this.dir = dir;
        this.policies = policies;
    }

    public static QosPolicyStore load(Path dataDir) throws DataDirException {
        Path dir = dataDir.resolve(DIR_NAME);
        Map<String, QosLimits> policies = new TreeMap<>();
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                for (Path file : files) {
                    String fileName = file.getFileName().toString();
                    String name = fileName.substring(0, fileName.length() - SUFFIX.length());
                    Properties p = AtomicFiles.readProperties(file);
                    try {
                        policies.put(name, fromProperties(p == null ? new Properties() : p));
                    } catch (IllegalArgumentException e) {
                        throw new DataDirException(file + " is damaged: " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new DataDirException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return new QosPolicyStore(dir, policies);
    }

    public List<Policy> all() {
        return policies.entrySet().stream().map(e -> new Policy(e.getKey(), e.getValue())).toList();
    }

    public QosLimits get(String name) {
        return policies.get(name);
    }

    public void put(String name, QosLimits limits) throws DataDirException {
        Properties p = new Properties();
        long[] values = {limits.readIops(), limits.writeIops(), limits.readBytesPerSecond(),
                limits.writeBytesPerSecond(), limits.iopsPerGib()};
        for (int i = 0; i < KEYS.length; i++) {
            p.setProperty(KEYS[i], Long.toString(values[i]));
        }
        Path file = dir.resolve(name + SUFFIX);
        try {
            AtomicFiles.writeProperties(file, p, "Basalt QoS policy " + name + " (0 = unlimited)");
        } catch (IOException e) {
            throw new DataDirException("cannot write " + file + ": " + e.getMessage(), e);
        }
        policies.put(name, limits);
    }

    public void delete(String name) throws DataDirException {
        Path file = dir.resolve(name + SUFFIX);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new DataDirException("cannot delete " + file + ": " + e.getMessage(), e);
        }
        policies.remove(name);
    }

    private static QosLimits fromProperties(Properties p) {
        long[] v = new long[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            try {
                v[i] = Long.parseLong(p.getProperty(KEYS[i], "0"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad " + KEYS[i]);
            }
        }
        return new QosLimits(v[0], v[1], v[2], v[3], v[4]);
    }
}
