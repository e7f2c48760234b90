package io.basalt.server.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A file system of a given size, mounted for one test: a tmpfs with {@code size=}, which accounts
 * free space as a disk does and answers ENOSPC when full. Mounting needs root (CI and the dev VM
 * run tests as root); without it the test fails naming what it needs rather than skipping.
 */
final class SmallFileSystem implements AutoCloseable {
    private final Path mountPoint;

    private SmallFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    static SmallFileSystem mount(Path mountPoint, long megabytes) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        String result = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs",
                mountPoint.toString()));
        if (result != null) {
            throw new IllegalStateException("this test needs a " + megabytes + " MiB file system and needs root to "
                    + "mount a tmpfs: run as root, as CI does (mount said: " + result + ")");
        }
        return new SmallFileSystem(mountPoint);
    }

    Path path() {
        return mountPoint;
    }

    long usableBytes() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /** Fills the file system with one file until it is full; returns the file. */
    Path fill() throws IOException {
        Path ballast = mountPoint.resolve("ballast");
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(ballast)) {
            for (int i = 0; i < 4096; i++) {
                out.write(chunk);
            }
            throw new IllegalStateException("the file system never filled");
        } catch (IOException e) {
            if (usableBytes() > chunk.length) {
                throw e;
            }
        }
        return ballast;
    }

    /**
     * Unmounts, also when the test failed; if something still holds a file there (a brick process
     * not yet reaped), detaches it lazily instead, so no mount outlives the test.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        String result = run(List.of("umount", mountPoint.toString()));
        if (result == null) {
            return;
        }
        String lazy = run(List.of("umount", "-l", mountPoint.toString()));
        if (lazy != null) {
            throw new IllegalStateException("cannot unmount " + mountPoint + ": " + result + "; umount -l: " + lazy);
        }
    }

    /** Runs a command; null if it succeeded, else what it said. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish in 30 s";
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }
}
