package io.basalt.server.volume;

import io.basalt.initiator.InitiatorConfig;
import io.basalt.initiator.IoQueue;
import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.NvmeController;
import io.basalt.initiator.NvmeTcpInitiator;
import io.basalt.server.Brick;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.DataPathConfig;
import io.basalt.server.config.ServeConfig;
import io.basalt.control.volume.VolumeSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Encryption at rest, end to end: a host writes known plaintext over NVMe/TCP to a brick, the brick
 * stops, and every byte of the pool's device is searched for it. On an encrypted volume neither the
 * plaintext nor its SHA-256 (a plaintext fingerprint) may appear; on an unencrypted one the same
 * search finds the plaintext, which proves the search looks in the right place.
 */
class EncryptionAtRestTest {
    private static final String HOST = "nqn.2026-01.io.basalt:at-rest-test";
    private static final int BLOCKS = 64;
    /** A needle long enough never to occur by chance in 1 GiB of ciphertext. */
    private static final int NEEDLE = 32;
    @TempDir
    Path dir;

    @Test
    void shouldLeaveNoPlaintextOrFingerprintOnAnEncryptedPool() throws Exception {
        byte[] data = incompressible(1);
        Path device = writeAndStop("name=secret,size=64MiB,hosts=any,encryption=aes-xts,dedup=on,compression=lz4",
                data);

        assertThat(occurrences(device, data, 0)).as("plaintext block starts on the device").isZero();
        assertThat(occurrences(device, data, 4096 * 17 + 100)).as("plaintext from the middle").isZero();
        byte[] fingerprint = MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(data, 4096));
        assertThat(occurrences(fingerprint, device)).as("plaintext SHA-256 fingerprint").isZero();
        assertThat(Files.getPosixFilePermissions(dir.resolve("kek")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void shouldFindThePlaintextOnAnUnencryptedPool() throws Exception {
        byte[] data = incompressible(2);
        Path device = writeAndStop("name=open,size=64MiB,hosts=any,compression=off", data);

        assertThat(occurrences(device, data, 0)).isPositive();
        assertThat(occurrences(device, data, 4096 * 17 + 100)).isPositive();
    }

    @Test
    void shouldRotateTheKeyEncryptionKeyWithoutLosingData() throws Exception {
        byte[] data = incompressible(3);
        String volume = "name=secret,size=64MiB,hosts=any,encryption=aes-xts";
        writeAndStop(volume, data, io.basalt.server.config.EngineSettings.withKek(dir.resolve("kek")));
        io.basalt.server.config.EngineSettings rotate = new io.basalt.server.config.EngineSettings(
                dir.resolve("kek2"), dir.resolve("kek"), 0, 0);

        assertThat(readBack(volume, rotate)).as("opened with the old key, re-wrapped under the new").isEqualTo(data);
        assertThat(readBack(volume, rotate)).as("the same flags again: already rotated").isEqualTo(data);
        assertThat(readBack(volume, io.basalt.server.config.EngineSettings.withKek(dir.resolve("kek2"))))
                .as("the new key alone opens it").isEqualTo(data);
        Files.delete(dir.resolve("kek2"));
        assertThatThrownBy(() -> readBack(volume, io.basalt.server.config.EngineSettings.withKek(dir.resolve("kek"))))
                .as("the old key no longer opens it").hasMessageContaining("engine pool");
    }

    /** Random bytes: they do not compress, so an unencrypted volume stores them verbatim. */
    private static byte[] incompressible(long seed) {
        byte[] data = new byte[BLOCKS * 4096];
        new Random(seed).nextBytes(data);
        return data;
    }

    private Path writeAndStop(String volume, byte[] data) throws Exception {
        return writeAndStop(volume, data, io.basalt.server.config.EngineSettings.withKek(dir.resolve("kek")));
    }

    private ServeConfig config(String volume, io.basalt.server.config.EngineSettings engine) throws IOException {
        Path device = dir.resolve("pool.img");
        if (!Files.exists(device)) {
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(device.toFile(), "rw")) {
                f.setLength(256L << 20); // small, so the byte-by-byte search stays quick
            }
        }
        return new ServeConfig(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0), null,
                List.of(VolumeSpec.parse(volume)), ApiConfig.OFF, List.of(device), DataPathConfig.DEFAULT, engine);
    }

    private byte[] readBack(String volume, io.basalt.server.config.EngineSettings engine) throws Exception {
        try (Brick brick = Brick.start(config(volume, engine));
             NvmeTcpInitiator initiator = new NvmeTcpInitiator(InitiatorConfig.builder().hostNqn(HOST).build());
             NvmeController controller = initiator.connect(brick.ioAddress(), brick.identity().subsystemNqn())) {
            NamespaceInfo ns = controller.identifyNamespace(1);
            ByteBuf back = Unpooled.buffer(BLOCKS * 4096);
            controller.ioQueue(0).readAsync(ns, 0, BLOCKS, back).get(30, TimeUnit.SECONDS);
            byte[] read = new byte[BLOCKS * 4096];
            back.getBytes(0, read);
            return read;
        }
    }

    private Path writeAndStop(String volume, byte[] data, io.basalt.server.config.EngineSettings engine)
            throws Exception {
        ServeConfig config = config(volume, engine);
        Path device = dir.resolve("pool.img");
        try (Brick brick = Brick.start(config);
             NvmeTcpInitiator initiator = new NvmeTcpInitiator(InitiatorConfig.builder().hostNqn(HOST).build());
             NvmeController controller = initiator.connect(brick.ioAddress(), brick.identity().subsystemNqn())) {
            NamespaceInfo ns = controller.identifyNamespace(1);
            IoQueue q = controller.ioQueue(0);
            ByteBuf src = Unpooled.wrappedBuffer(data);
            q.writeAsync(ns, 0, BLOCKS, src).get(30, TimeUnit.SECONDS);
            ByteBuf back = Unpooled.buffer(data.length);
            q.readAsync(ns, 0, BLOCKS, back).get(30, TimeUnit.SECONDS);
            byte[] read = new byte[data.length];
            back.getBytes(0, read);
            assertThat(read).as("the host reads back what it wrote").isEqualTo(data);
        }
        return device;
    }

    private static long occurrences(Path device, byte[] data, int from) throws IOException {
        return occurrences(java.util.Arrays.copyOfRange(data, from, from + NEEDLE), device);
    }

    /** Counts the needle in the file, read in 1 MiB pieces that overlap by the needle's length. */
    private static long occurrences(byte[] needle, Path file) throws IOException {
        long found = 0;
        byte[] buf = new byte[(1 << 20) + needle.length];
        int carry = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.readNBytes(buf, carry, buf.length - carry)) > 0; ) {
                int end = carry + n;
                for (int i = 0; i + needle.length <= end; i++) {
                    if (buf[i] == needle[0] && java.util.Arrays.equals(buf, i, i + needle.length, needle, 0,
                            needle.length)) {
                        found++;
                    }
                }
                carry = Math.min(needle.length - 1, end);
                System.arraycopy(buf, end - carry, buf, 0, carry);
            }
        }
        return found;
    }
}
