package io.basalt.engine.services;

import io.basalt.engine.dedup.FingerprintIndex;
import io.basalt.engine.dedup.Fingerprinter;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One-core throughput of each inline data service stage on 4 KiB blocks, and of the write and
 * read pipelines, on zeros, random bytes, the JDK's Java sources, /usr/bin binaries and
 * already-compressed files (.gz docs, Maven jars); plus compression ratios per data set. MB/s
 * are 10⁶ bytes of volume data (uncompressed) per second.
 *
 * <p>Not a test; run after {@code ./mvnw -o -pl basalt-engine -am test-compile} with
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp basalt-engine/target/classes:basalt-engine/target/test-classes:$(cat cp.txt) \
 *     io.basalt.engine.services.ServicesBench [MiB per data set, default 32] [seconds per measurement, default 1]
 * </pre>
 * where {@code cp.txt} comes from {@code ./mvnw -o -q -pl basalt-engine -am test-compile dependency:build-classpath
 * -Dmdep.outputFile=$PWD/cp.txt} (-am: the engine's basalt-block comes from the reactor, not the local repository).
 */
public final class ServicesBench {
    private static final int BS = 4096;
    private static double seconds = 1.0;
    private static long sink;

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        int blocks = mib * 256;
        Map<String, byte[][]> sets = new LinkedHashMap<>();
        sets.put("zeros", new byte[blocks][BS]);
        sets.put("random", random(blocks));
        sets.put("text (JDK src.zip)", fromZip(Path.of(System.getProperty("java.home"), "lib", "src.zip"), blocks));
        sets.put("binaries (/usr/bin)", fromFiles(Path.of("/usr/bin"), p -> true, blocks));
        sets.put("compressed (.gz, .jar)", compressed(blocks));

        System.out.printf("%d MiB per data set, %d-byte blocks, %.1f s per measurement, one thread%n%n", mib, BS, seconds);
        System.out.println("| data set | LZ4 ratio | LZ4 raw blocks | zstd-1 ratio | zstd-1 raw | zstd-3 ratio | zstd-3 raw |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (var e : sets.entrySet()) {
            System.out.printf("| %s | %s | %s | %s |%n", e.getKey(), ratio(CompressionAlgorithm.LZ4, 0, e.getValue()),
                    ratio(CompressionAlgorithm.ZSTD, 1, e.getValue()), ratio(CompressionAlgorithm.ZSTD, 3, e.getValue()));
        }
        System.out.println();

        List<String> names = new ArrayList<>(sets.keySet());
        Map<String, double[]> rows = new LinkedHashMap<>();
        for (int s = 0; s < names.size(); s++) {
            byte[][] data = sets.get(names.get(s));
            for (Stage stage : stages()) {
                rows.computeIfAbsent(stage.name(), k -> new double[names.size()])[s] = stage.measure(data);
            }
        }
        System.out.print("| stage (MB/s, one core) |");
        names.forEach(n -> System.out.print(" " + n + " |"));
        System.out.println();
        System.out.println("|---" + "|---".repeat(names.size()) + "|");
        rows.forEach((name, mbs) -> {
            System.out.print("| " + name + " |");
            for (double v : mbs) {
                System.out.print(Double.isNaN(v) ? " n/a |" : String.format(" %.0f |", v));
            }
            System.out.println();
        });
        System.out.println("n/a: no block of the data set compresses, so there is nothing to decode.");
        System.out.println();
        index();
        System.out.println("(sink " + (sink & 1) + ")");
    }

    /** Lookups and inserts of random fingerprints in an index far larger than the CPU caches. */
    static void index() {
        FingerprintIndex index = FingerprintIndex.withMemoryBudget(256L << 20);
        int n = index.maxEntries() / 2;
        Random r = new Random(4);
        long[] keys = new long[2 * n];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = r.nextLong();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            index.put(keys[i], i, i + 1);
        }
        long t1 = System.nanoTime();
        long found = 0;
        for (int i = 0; i < 2 * n; i++) {
            found += index.get(keys[i], i) != FingerprintIndex.ABSENT ? 1 : 0;
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            index.remove(keys[i], i, i + 1);
        }
        long t3 = System.nanoTime();
        sink += found;
        System.out.printf("dedup index, %d MiB, %d of %d entries: %.1f M inserts/s, %.1f M lookups/s (half hits),"
                + " %.1f M removes/s%n", index.memoryBytes() >> 20, n, index.maxEntries(), n / ((t1 - t0) / 1e3),
                2 * n / ((t2 - t1) / 1e3), n / ((t3 - t2) / 1e3));
    }

    /** A measured stage: it sets itself up for a data set and then runs on one block at a time. */
    interface Stage {
        interface Body {
            void run(byte[] block, int index) throws Exception;
        }

        String name();

        /** Prepares per-data-set state (e.g. the compressed form of each block). */
        default void prepare(byte[][] data) {
        }

        void run(byte[] block, int index) throws Exception;

        default double measure(byte[][] data) throws Exception {
            prepare(data);
            loop(data, seconds / 2);
            return loop(data, seconds);
        }

        private double loop(byte[][] data, double secs) throws Exception {
            long bytes = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (secs * 1e9);
            do {
                for (int i = 0; i < data.length; i++) {
                    run(data[i], i);
                }
                bytes += (long) data.length * BS;
            } while (System.nanoTime() < end);
            return bytes / ((System.nanoTime() - t0) / 1e9) / 1e6;
        }
    }

    static Stage stage(String name, Stage.Body body) {
        return new Stage() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run(byte[] block, int index) throws Exception {
                body.run(block, index);
            }
        };
    }

    static List<Stage> stages() throws Exception {
        SecureRandom random = new SecureRandom();
        DataKey key = DataKey.generate(random);
        AesXts xts = key.newCipher(BS);
        CRC32C crc = new CRC32C();
        byte[] scratch = new byte[BlockCompressor.outputCapacity(BS)];
        byte[] cipher = new byte[BS];
        byte[] back = new byte[BS];
        byte[] fp = new byte[Fingerprinter.LENGTH];
        BlockCompressor lz4 = BlockCompressor.create(CompressionAlgorithm.LZ4, 0);
        BlockCompressor zstd1 = BlockCompressor.create(CompressionAlgorithm.ZSTD, 1);
        BlockCompressor zstd3 = BlockCompressor.create(CompressionAlgorithm.ZSTD, 3);
        BlockDecompressor decompressor = new BlockDecompressor();
        LZ4Compressor resetLz4 = LZ4Factory.fastestInstance().fastResetCompressor();
        Fingerprinter sha = Fingerprinter.sha256();
        Fingerprinter hmac = Fingerprinter.keyed(key);
        XXHash64 xxh = XXHashFactory.fastestInstance().hash64();

        List<Stage> list = new ArrayList<>();
        list.add(stage("LZ4 compress", (b, i) -> sink += lz4.compress(b, 0, BS, scratch, 0)));
        list.add(stage("LZ4 compress, fast-reset JNI state (not used)",
                (b, i) -> sink += resetLz4.compress(b, 0, BS, scratch, 0, scratch.length)));
        list.add(new Decode("LZ4 decompress", lz4, decompressor));
        list.add(stage("zstd-1 compress", (b, i) -> sink += zstd1.compress(b, 0, BS, scratch, 0)));
        list.add(stage("zstd-3 compress", (b, i) -> sink += zstd3.compress(b, 0, BS, scratch, 0)));
        list.add(new Decode("zstd-1 decompress", zstd1, decompressor));
        list.add(stage("AES-256-XTS encrypt", (b, i) -> xts.encrypt(b, 0, cipher, 0, BS, i, 1)));
        list.add(stage("AES-256-XTS decrypt", (b, i) -> xts.decrypt(b, 0, cipher, 0, BS, i, 1)));
        list.add(stage("CRC32C", (b, i) -> {
            crc.reset();
            crc.update(b, 0, BS);
            sink += crc.getValue();
        }));
        list.add(stage("SHA-256 fingerprint", (b, i) -> sha.fingerprint(b, 0, BS, fp, 0)));
        list.add(stage("HMAC-SHA256 fingerprint (keyed)", (b, i) -> hmac.fingerprint(b, 0, BS, fp, 0)));
        list.add(stage("XXH64 (not used; 128 bits = 2 passes)", (b, i) -> sink += xxh.hash(b, 0, BS, 0)));
        list.add(writePipeline("write: LZ4 + XTS + CRC32C", lz4, xts, crc, scratch, cipher, null));
        list.add(writePipeline("write: zstd-1 + XTS + CRC32C", zstd1, xts, crc, scratch, cipher, null));
        list.add(writePipeline("write: SHA-256 + LZ4 + XTS + CRC32C", lz4, xts, crc, scratch, cipher, sha));
        list.add(new ReadPipeline("read: CRC32C + XTS + LZ4", lz4, key.newCipher(BS), decompressor));
        list.add(new ReadPipeline("read: CRC32C + XTS + zstd", zstd1, key.newCipher(BS), decompressor));
        return list;
    }

    static Stage writePipeline(String name, BlockCompressor codec, AesXts xts, CRC32C crc, byte[] scratch, byte[] cipher,
                               Fingerprinter fingerprinter) {
        byte[] fp = new byte[Fingerprinter.LENGTH];
        return stage(name, (b, i) -> {
            if (fingerprinter != null) {
                fingerprinter.fingerprint(b, 0, BS, fp, 0);
            }
            int n = codec.compress(b, 0, BS, scratch, 0);
            byte[] payload = n == BlockCompressor.RAW ? b : scratch;
            int length = n == BlockCompressor.RAW ? BS : n;
            xts.encrypt(payload, 0, cipher, 0, length, i, 1);
            crc.reset();
            crc.update(cipher, 0, length);
            sink += crc.getValue();
        });
    }

    /** Decompression of each block's stored form; raw blocks cost nothing, as in the engine. */
    static final class Decode implements Stage {
        private final String name;
        private final BlockCompressor codec;
        private final BlockDecompressor decompressor;
        private byte[][] payloads;
        private final byte[] out = new byte[BS];

        Decode(String name, BlockCompressor codec, BlockDecompressor decompressor) {
            this.name = name;
            this.codec = codec;
            this.decompressor = decompressor;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public double measure(byte[][] data) throws Exception {
            prepare(data);
            return java.util.Arrays.stream(payloads).allMatch(java.util.Objects::isNull) ? Double.NaN
                    : Stage.super.measure(data);
        }

        @Override
        public void prepare(byte[][] data) {
            payloads = new byte[data.length][];
            byte[] scratch = new byte[BlockCompressor.outputCapacity(BS)];
            for (int i = 0; i < data.length; i++) {
                int n = codec.compress(data[i], 0, BS, scratch, 0);
                payloads[i] = n == BlockCompressor.RAW ? null : java.util.Arrays.copyOf(scratch, n);
            }
        }

        @Override
        public void run(byte[] block, int index) throws Exception {
            byte[] p = payloads[index];
            if (p != null) {
                decompressor.decompress(p, 0, p.length, out, 0, BS);
            }
        }
    }

    /** CRC check, decryption and decompression of each block's stored (compressed, encrypted) form. */
    static final class ReadPipeline implements Stage {
        private final String name;
        private final BlockCompressor codec;
        private final AesXts xts;
        private final BlockDecompressor decompressor;
        private final CRC32C crc = new CRC32C();
        private final byte[] plain = new byte[BS];
        private final byte[] out = new byte[BS];
        private byte[][] stored;
        private boolean[] compressed;
        private int[] crcs;

        ReadPipeline(String name, BlockCompressor codec, AesXts xts, BlockDecompressor decompressor) {
            this.name = name;
            this.codec = codec;
            this.xts = xts;
            this.decompressor = decompressor;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void prepare(byte[][] data) {
            stored = new byte[data.length][];
            compressed = new boolean[data.length];
            crcs = new int[data.length];
            byte[] scratch = new byte[BlockCompressor.outputCapacity(BS)];
            for (int i = 0; i < data.length; i++) {
                int n = codec.compress(data[i], 0, BS, scratch, 0);
                compressed[i] = n != BlockCompressor.RAW;
                byte[] payload = compressed[i] ? scratch : data[i];
                int length = compressed[i] ? n : BS;
                stored[i] = new byte[length];
                xts.encrypt(payload, 0, stored[i], 0, length, i, 1);
                crc.reset();
                crc.update(stored[i]);
                crcs[i] = (int) crc.getValue();
            }
        }

        @Override
        public void run(byte[] block, int index) throws Exception {
            byte[] s = stored[index];
            crc.reset();
            crc.update(s, 0, s.length);
            if ((int) crc.getValue() != crcs[index]) {
                throw new IllegalStateException("crc");
            }
            xts.decrypt(s, 0, plain, 0, s.length, index, 1);
            if (compressed[index]) {
                decompressor.decompress(plain, 0, s.length, out, 0, BS);
            }
        }
    }

    static String ratio(CompressionAlgorithm algorithm, int level, byte[][] data) {
        long stored = 0;
        int raw = 0;
        byte[] scratch = new byte[BlockCompressor.outputCapacity(BS)];
        try (BlockCompressor c = BlockCompressor.create(algorithm, level)) {
            for (byte[] b : data) {
                int n = c.compress(b, 0, BS, scratch, 0);
                if (n == BlockCompressor.RAW) {
                    raw++;
                    stored += BS;
                } else {
                    stored += n;
                }
            }
        }
        return String.format("%.2f | %.0f%%", (double) data.length * BS / stored, 100.0 * raw / data.length);
    }

    /** The data sets above, {@code mib} MiB each, in 4 KiB blocks (the engine benchmark uses them too). */
    public static Map<String, byte[][]> dataSets(int mib) throws IOException {
        int blocks = mib * 256;
        Map<String, byte[][]> sets = new LinkedHashMap<>();
        sets.put("text (JDK src.zip)", fromZip(Path.of(System.getProperty("java.home"), "lib", "src.zip"), blocks));
        sets.put("binaries (/usr/bin)", fromFiles(Path.of("/usr/bin"), p -> true, blocks));
        sets.put("compressed (.gz, .jar)", compressed(blocks));
        return sets;
    }

    private static byte[][] random(int blocks) {
        Random r = new Random(1);
        byte[][] d = new byte[blocks][BS];
        for (byte[] b : d) {
            r.nextBytes(b);
        }
        return d;
    }

    private static byte[][] fromZip(Path zip, int blocks) throws IOException {
        BlockSink out = new BlockSink(blocks);
        try (ZipFile z = new ZipFile(zip.toFile())) {
            var entries = z.stream().filter(e -> e.getName().endsWith(".java")).sorted(Comparator.comparing(ZipEntry::getName))
                    .toList();
            for (ZipEntry e : entries) {
                try (InputStream in = z.getInputStream(e)) {
                    if (!out.add(in.readAllBytes())) {
                        break;
                    }
                }
            }
        }
        return out.blocks();
    }

    private static byte[][] fromFiles(Path dir, java.util.function.Predicate<Path> filter, int blocks) throws IOException {
        BlockSink out = new BlockSink(blocks);
        addFiles(out, dir, filter);
        return out.blocks();
    }

    private static void addFiles(BlockSink out, Path dir, java.util.function.Predicate<Path> filter) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).filter(filter)
                    .sorted().toList();
        }
        for (Path p : files) {
            if (out.full()) {
                return;
            }
            try {
                out.add(Files.readAllBytes(p));
            } catch (IOException unreadable) {
                // Skip files this user cannot read.
            }
        }
    }

    private static byte[][] compressed(int blocks) throws IOException {
        BlockSink out = new BlockSink(blocks);
        addFiles(out, Path.of("/usr/share/doc"), p -> p.toString().endsWith(".gz"));
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository");
        if (Files.isDirectory(m2)) {
            addFiles(out, m2, p -> p.toString().endsWith(".jar"));
        }
        return out.blocks();
    }

    /** Concatenates files, as a file system packs them into a volume, and cuts 4 KiB blocks. */
    private static final class BlockSink {
        private final byte[] all;
        private int length;

        BlockSink(int blocks) {
            all = new byte[blocks * BS];
        }

        boolean full() {
            return length == all.length;
        }

        boolean add(byte[] file) {
            int n = Math.min(file.length, all.length - length);
            System.arraycopy(file, 0, all, length, n);
            // Files start on block boundaries in a file system; pad the tail of each one with zeros.
            length = Math.min(all.length, (length + n + BS - 1) / BS * BS);
            return !full();
        }

        byte[][] blocks() {
            int n = length / BS;
            if (n == 0) {
                throw new IllegalStateException("no data found for a data set");
            }
            byte[][] d = new byte[n][];
            for (int i = 0; i < n; i++) {
                d[i] = java.util.Arrays.copyOfRange(all, i * BS, (i + 1) * BS);
            }
            return d;
        }
    }

    private ServicesBench() {
    }
}
