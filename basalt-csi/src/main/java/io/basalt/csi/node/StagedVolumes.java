package io.basalt.csi.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The volumes this node has staged, one small file each in the state directory, so that a restarted
 * plugin still knows which subsystem each staged volume came through: NodeUnstageVolume disconnects a
 * subsystem only when no other staged volume uses it. Written atomically (temporary file, rename).
 */
final class StagedVolumes {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._@-]{1,200}");

    /** A staged volume. {@code fsType} is empty for a raw block volume. */
    record Staged(String volumeId, String subsystemNqn, String device, String stagingPath, String fsType) {
        boolean block() {
            return fsType.isEmpty();
        }
    }

    private final Path dir;

    StagedVolumes(Path dir) {
        this.dir = dir;
    }

    synchronized Staged get(String volumeId) {
        Path f = file(volumeId);
        if (!Files.exists(f)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
        return new Staged(volumeId, p.getProperty("subsystemNqn"), p.getProperty("device"),
                p.getProperty("stagingPath"), p.getProperty("fsType", ""));
    }

    synchronized void put(Staged s) {
        Properties p = new Properties();
        p.setProperty("subsystemNqn", s.subsystemNqn());
        p.setProperty("device", s.device());
        p.setProperty("stagingPath", s.stagingPath());
        p.setProperty("fsType", s.fsType());
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".staged", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "staged by the Basalt CSI node plugin");
            }
            Files.move(tmp, file(s.volumeId()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record staged volume " + s.volumeId() + " in " + dir, e);
        }
    }

    synchronized void remove(String volumeId) {
        try {
            Files.deleteIfExists(file(volumeId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot forget staged volume " + volumeId, e);
        }
    }

    /** Every staged volume that came through the subsystem. */
    synchronized List<Staged> ofSubsystem(String subsystemNqn) {
        List<Staged> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".staged")).toList()) {
                String name = f.getFileName().toString();
                Staged s = get(decode(name.substring(0, name.length() - ".staged".length())));
                if (s != null && subsystemNqn.equals(s.subsystemNqn())) {
                    out.add(s);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }

    private Path file(String volumeId) {
        return dir.resolve(encode(volumeId) + ".staged");
    }

    /** Volume ids are UUIDs; anything else is hex-encoded so it can never climb out of the directory. */
    private static String encode(String volumeId) {
        return SAFE.matcher(volumeId).matches() && !volumeId.startsWith(".") && !volumeId.startsWith("x-") ? volumeId
                : "x-" + HexFormat.of().formatHex(volumeId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String name) {
        return name.startsWith("x-") ? new String(HexFormat.of().parseHex(name.substring(2)), StandardCharsets.UTF_8)
                : name;
    }
}
