package io.basalt.server.volume;

import io.basalt.control.volume.DataDirException;
import io.basalt.units.Sizes;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FileDevice;
import io.basalt.engine.pool.Pool;
import io.basalt.engine.pool.VolumeOptions;
import io.basalt.engine.services.CompressionAlgorithm;
import io.basalt.engine.services.KekFile;
import io.basalt.engine.services.KeyEncryptionKey;
import io.basalt.control.volume.DataServices;
import io.basalt.server.config.EngineSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The brick's storage-engine pool (docs/engine.md), opened — or formatted — when the first
 * {@code backend=engine} volume needs it, over the configured devices or one sparse file in the
 * data dir. A missing file is created at what its file system can give: the free space less a
 * margin ({@link #newFileSize}), never less than the engine's minimum pool. It is thin, so it
 * costs only what is written; should the file system fill anyway, writes get NO_SPACE — unless
 * {@link EngineSettings#preallocate()}, which writes it whole once at creation.
 */
public final class EnginePool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnginePool.class);
    /** The device when none is configured, relative to the data dir. */
    public static final String DEFAULT_DEVICE_FILE = "engine/pool-0.img";
    /**
     * Share of the free space a new pool file leaves to the rest of the file system (the data
     * dir's metadata and event log, file volumes, other users): 10%, and at least {@link
     * #FREE_MARGIN_MIN_BYTES}.
     */
    public static final double FREE_MARGIN = 0.10;
    public static final long FREE_MARGIN_MIN_BYTES = 64L << 20;
    private static final long FILE_SIZE_ALIGNMENT = 1L << 20;

    private final Path dataDir;
    private final List<Path> devices;
    private final EngineSettings settings;
    private final Path kekFile;
    private Pool pool;
    private OpenCheck openCheck = OpenCheck.NONE;

    public EnginePool(Path dataDir, List<Path> devices) {
        this(dataDir, devices, EngineSettings.DEFAULT);
    }

    /**
     * @param settings the key-encryption key file ({@code --kek-file}, created mode 0600 when missing;
     *                 without it no encrypted volume can be created or opened), KEK rotation, dedup index
     */
    public EnginePool(Path dataDir, List<Path> devices, EngineSettings settings) {
        this.dataDir = dataDir;
        this.devices = devices == null ? List.of() : List.copyOf(devices);
        this.settings = settings == null ? EngineSettings.DEFAULT : settings;
        this.kekFile = this.settings.kekFile();
    }

    /** The engine's options for a volume's data services. */
    public static VolumeOptions options(DataServices services) {
        return new VolumeOptions(CompressionAlgorithm.parse(services.compression()), services.dedup(),
                services.encryption());
    }

    /** Refuses, with what to do, an encrypted volume on a brick without a key-encryption key. */
    public void requireKeyFor(DataServices services, String volume) throws DataDirException {
        if (services.encryption() && kekFile == null) {
            throw new DataDirException("volume " + volume + " is encrypted (encryption=aes-xts): start the brick "
                    + "with --kek-file PATH (a 32-byte key-encryption key; created with mode 0600 if missing)");
        }
    }

    /**
     * What must hold of a pool before the brick uses it (which data dir owns it, which images are
     * left over): run once, right after it opens; a failure closes the pool again and is the
     * pool's opening error.
     */
    public interface OpenCheck {
        OpenCheck NONE = pool -> { };

        void opened(Pool pool) throws IOException;
    }

    /** Sets the check {@link #get} runs on the pool it opens. */
    public synchronized void onOpen(OpenCheck check) {
        this.openCheck = Objects.requireNonNull(check);
    }

    /** The pool, opening it on first use. */
    public synchronized Pool get() throws IOException {
        if (pool != null) {
            return pool;
        }
        Pool opened = openWithKeys();
        try {
            openCheck.opened(opened);
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        pool = opened;
        return pool;
    }

    private Pool openWithKeys() throws IOException {
        KeyEncryptionKey kek = kekFile == null ? null : KekFile.loadOrCreate(kekFile, new SecureRandom());
        Path old = settings.rotateKekFrom();
        if (old == null) {
            return open(kek);
        }
        // Rotation: a pool already under the new key (rotated on an earlier start) opens with it;
        // otherwise open with the previous key and re-wrap every volume key under the new one.
        try {
            Pool p = open(kek);
            LOG.info("KEK rotation: the pool already opens with {}; {} is no longer needed", kekFile, old);
            return p;
        } catch (IOException underNew) {
            Pool p = open(KekFile.load(old));
            p.rotateKek(kek);
            LOG.warn("KEK rotation: every volume key is now wrapped by {} (key id {}); {} is no longer needed",
                    kekFile, kek.id(), old);
            return p;
        }
    }

    private Pool open(KeyEncryptionKey kek) throws IOException {
        List<Path> paths = devices.isEmpty() ? List.of(dataDir.resolve(DEFAULT_DEVICE_FILE)) : devices;
        List<BlockDevice> opened = new ArrayList<>();
        try {
            for (Path p : paths) {
                if (p.getParent() != null) {
                    Files.createDirectories(p.getParent());
                }
                opened.add(FileDevice.open(p, Files.exists(p) ? 0 : newFileSize(p, paths.size()), true,
                        settings.preallocate() ? FileDevice.Preallocation.WRITE : FileDevice.Preallocation.SPARSE));
            }
            Pool p = Pool.openOrCreate(opened, settings.poolConfig(), kek);
            LOG.info("Engine pool on {}", paths);
            return p;
        } catch (IOException | RuntimeException e) {
            for (BlockDevice d : opened) {
                try {
                    d.close();
                } catch (IOException ignored) {
                    // The first error is the one to report.
                }
            }
            throw new IOException("cannot open the engine pool on " + paths + ": " + e.getMessage(), e);
        }
    }

    /**
     * The size of a pool file about to be created: its share of the free space of its file system
     * less {@link #FREE_MARGIN}. Refused when that is under the engine's minimum pool, before any
     * file exists.
     */
    private long newFileSize(Path file, int files) throws IOException {
        long free = Files.getFileStore(file.getParent() == null ? Path.of(".") : file.getParent()).getUsableSpace();
        long margin = Math.max(FREE_MARGIN_MIN_BYTES, (long) (free * FREE_MARGIN));
        long size = newFileSize(free, files, margin);
        long minimum = Pool.minimumDeviceBytes(settings.poolConfig());
        if (size < minimum) {
            throw new IOException("its file system has " + Sizes.formatApprox(free) + " free; a pool file needs at "
                    + "least " + Sizes.formatApprox(minimum) + ", and " + Sizes.formatApprox(margin)
                    + " is left for the rest of the file system. Free space there, or put the pool on a larger "
                    + "file system or disk with --device PATH");
        }
        LOG.info("Creating the engine pool file {}: {} (its file system has {} free; {} is left for the rest)",
                file, Sizes.formatApprox(size), Sizes.formatApprox(free), Sizes.formatApprox(margin));
        return size;
    }

    /** Each of {@code files}' share of {@code free} less {@code margin}, in whole MiB. */
    static long newFileSize(long free, int files, long margin) {
        return Math.max(0, (free - margin) / files) / FILE_SIZE_ALIGNMENT * FILE_SIZE_ALIGNMENT;
    }

    /** The pool if it is open, else null. */
    public synchronized Pool ifOpen() {
        return pool;
    }

    /** Closes the pool (checkpointing it) if it was opened. The volumes' I/O must have stopped. */
    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }
}
