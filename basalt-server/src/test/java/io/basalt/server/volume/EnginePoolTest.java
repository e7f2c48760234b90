package io.basalt.server.volume;

import io.basalt.initiator.InitiatorConfig;
import io.basalt.initiator.IoQueue;
import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.NvmeController;
import io.basalt.initiator.NvmeStatusException;
import io.basalt.initiator.NvmeTcpInitiator;
import io.basalt.nvme.Status;
import io.basalt.server.Brick;
import io.basalt.server.StartupException;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ServeConfig;
import io.basalt.control.volume.VolumeSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The default pool file on small file systems: sized to what they can give, and full gracefully. */
class EnginePoolTest {
    private static final int CHUNK = 128 * 1024;
    @TempDir
    Path dir;

    private static ServeConfig config(Path dataDir, String volume) {
        return new ServeConfig(dataDir, new InetSocketAddress("127.0.0.1", 0), null, List.of(VolumeSpec.parse(volume)),
                ApiConfig.OFF);
    }

    @Test
    void shouldSizeTheDefaultPoolFileUnderWhatItsFileSystemHasFree() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("fs"), 300)) {
            long free = fs.usableBytes();
            Path dataDir = fs.path().resolve("data");
            try (Brick brick = Brick.start(config(dataDir, "name=e,size=64MiB,hosts=any,backend=engine"))) {
                assertThat(Files.size(dataDir.resolve(EnginePool.DEFAULT_DEVICE_FILE))).isLessThan(free);
                long usable = brick.pool().stats().usableBytes();
                assertThat(usable).isPositive().isLessThanOrEqualTo(fs.usableBytes());
                assertThat(brick.service().info().capacity().totalBytes()).isEqualTo(usable);
            }
        }
    }

    @Test
    void shouldRefuseAPoolItsFileSystemCannotHoldAndSayWhy() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("fs"), 96)) {
            Path dataDir = fs.path().resolve("data");
            assertThatThrownBy(() -> Brick.start(config(dataDir, "name=e,size=16MiB,hosts=any,backend=engine")))
                    .isInstanceOf(StartupException.class)
                    .hasMessageMatching(".*has 9[0-9.]* MiB free; a pool file needs at least 1[0-9.]* MiB.*")
                    .hasMessageContaining("--device");
            assertThat(dataDir.resolve(EnginePool.DEFAULT_DEVICE_FILE)).doesNotExist();
        }
    }

    @Test
    void shouldAnswerCapacityExceededWhenItsFileSystemFillsAndResumeWhenSpaceReturns() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("fs"), 300);
             Brick brick = Brick.start(config(fs.path().resolve("data"),
                     "name=e,size=128MiB,hosts=any,backend=engine"));
             NvmeTcpInitiator initiator = new NvmeTcpInitiator(InitiatorConfig.defaults())) {
            NvmeController controller = initiator.connect(brick.ioAddress(), brick.identity().subsystemNqn());
            NamespaceInfo ns = controller.identifyNamespace(1);
            IoQueue q = controller.ioQueue(0);
            int blocks = CHUNK / ns.blockSize();
            byte[] kept = random(1);
            write(q, ns, 0, blocks, kept);
            q.flushAsync(ns).get(10, TimeUnit.SECONDS);

            Path ballast = fs.fill();
            NvmeStatusException refused = null;
            for (int i = 1; i < 128 && refused == null; i++) {
                try {
                    write(q, ns, (long) i * blocks, blocks, random(i + 1));
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(NvmeStatusException.class);
                    refused = (NvmeStatusException) e.getCause();
                }
            }
            assertThat(refused).as("a write on the full file system is refused").isNotNull();
            assertThat(refused.status() & 0x7FF).as(refused.statusName()).isEqualTo(Status.CAPACITY_EXCEEDED);
            assertThat(read(q, ns, 0, blocks)).as("acknowledged data still reads back").isEqualTo(kept);

            Files.delete(ballast);
            write(q, ns, 200L * blocks, blocks, random(999));
            assertThat(read(q, ns, 200L * blocks, blocks)).isEqualTo(random(999));
            assertThat(read(q, ns, 0, blocks)).isEqualTo(kept);
            controller.close();
        }
    }

    @Test
    void shouldKeepEveryAcknowledgedWriteWhenKilledOnAFullFileSystem() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("fs"), 300)) {
            Path dataDir = fs.path().resolve("data");
            String volume = "name=e,size=128MiB,hosts=any,backend=engine";
            List<Integer> acknowledged = new java.util.ArrayList<>();
            Process brick = startBrickProcess(dataDir, volume);
            try (NvmeTcpInitiator initiator = new NvmeTcpInitiator(InitiatorConfig.defaults())) {
                NvmeController controller = connect(initiator, brick);
                NamespaceInfo ns = controller.identifyNamespace(1);
                IoQueue q = controller.ioQueue(0);
                int blocks = CHUNK / ns.blockSize();
                for (int i = 0; i < 8; i++) {
                    write(q, ns, (long) i * blocks, blocks, random(i));
                    acknowledged.add(i);
                }
                fs.fill();
                boolean refused = false;
                for (int i = 8; i < 128 && !refused; i++) {
                    try {
                        write(q, ns, (long) i * blocks, blocks, random(i));
                        acknowledged.add(i);
                    } catch (ExecutionException e) {
                        refused = e.getCause() instanceof NvmeStatusException s
                                && (s.status() & 0x7FF) == Status.CAPACITY_EXCEEDED;
                        assertThat(refused).as("refused with CAPACITY_EXCEEDED: %s", e.getCause()).isTrue();
                    }
                }
                assertThat(refused).isTrue();
            } finally {
                brick.destroyForcibly();
                assertThat(brick.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            Files.delete(fs.path().resolve("ballast"));

            try (Brick restarted = Brick.start(config(dataDir, volume));
                 NvmeTcpInitiator initiator = new NvmeTcpInitiator(InitiatorConfig.defaults())) {
                NvmeController controller = initiator.connect(restarted.ioAddress(),
                        restarted.identity().subsystemNqn());
                NamespaceInfo ns = controller.identifyNamespace(1);
                int blocks = CHUNK / ns.blockSize();
                for (int i : acknowledged) {
                    assertThat(read(controller.ioQueue(0), ns, (long) i * blocks, blocks)).as("chunk %d", i)
                            .isEqualTo(random(i));
                }
                controller.close();
            }
        }
    }

    /**
     * {@code basalt serve} in its own JVM, so it can be killed with SIGKILL; its output goes to brick.log.
     * It listens on a port the kernel picks (port 0), which its banner names: a port probed free here
     * could be taken by another process before the brick binds it.
     */
    private Process startBrickProcess(Path dataDir, String volume) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--sun-misc") || a.startsWith("--enable-native")).forEach(command::add);
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "io.basalt.server.BasaltMain", "serve", "--data-dir", dataDir.toString(),
                "--listen", "127.0.0.1:0", "--discovery-listen", "none", "--api-listen", "none",
                "--volume", volume));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("brick.log").toFile()).start();
    }

    /**
     * Connects once the brick process has printed its banner (it needs a moment to start its JVM), to
     * the address and subsystem of the banner's {@code nvme connect} line.
     */
    private NvmeController connect(NvmeTcpInitiator initiator, Process brick) throws Exception {
        java.util.regex.Pattern connectLine =
                java.util.regex.Pattern.compile("nvme connect -t tcp -a (\\S+) -s (\\d+) -n (nqn\\.\\S+)\\R");
        String log = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && brick.isAlive()) {
            log = Files.readString(dir.resolve("brick.log"));
            java.util.regex.Matcher m = connectLine.matcher(log);
            if (m.find()) {
                return initiator.connect(new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))), m.group(3));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the brick process did not start: " + log);
    }

    private static byte[] random(long seed) {
        byte[] b = new byte[CHUNK];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void write(IoQueue q, NamespaceInfo ns, long slba, int blocks, byte[] data) throws Exception {
        q.writeAsync(ns, slba, blocks, Unpooled.wrappedBuffer(data)).get(10, TimeUnit.SECONDS);
    }

    private static byte[] read(IoQueue q, NamespaceInfo ns, long slba, int blocks) throws Exception {
        ByteBuf buf = Unpooled.buffer(blocks * ns.blockSize());
        q.readAsync(ns, slba, blocks, buf).get(10, TimeUnit.SECONDS);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }
}
