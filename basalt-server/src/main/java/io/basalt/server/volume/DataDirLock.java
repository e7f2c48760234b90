package io.basalt.server.volume;

import io.basalt.control.volume.DataDirException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a second brick off a data dir in use: two would write the same volume files under each other.
 * The lock is an OS file lock, so it goes away with the process, even after kill -9.
 */
public final class DataDirLock implements AutoCloseable {
    public static final String FILE_NAME = ".lock";
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the data dir if needed and locks it. */
    public static DataDirLock acquire(Path dataDir) throws DataDirException {
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(dataDir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new OverlappingFileLockException();
            }
            return new DataDirLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new DataDirException("data dir " + dataDir + " is in use by another Basalt brick");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DataDirException("cannot use data dir " + dataDir + ": " + e, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // Already failing; the first error is the one to report.
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it anyway.
        }
        closeQuietly(channel);
    }
}
