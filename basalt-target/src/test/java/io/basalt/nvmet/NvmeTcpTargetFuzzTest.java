package io.basalt.nvmet;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.tcp.PduType;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Pdus;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.SocketHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throws random and mutated PDUs at a live target over loopback and checks that it stays up:
 * a well-behaved host on another connection keeps reading back what it wrote, and new hosts can
 * still connect. Bounded in iterations and time.
 */
class NvmeTcpTargetFuzzTest {
    private static final int ITERATIONS = 1500;
    private static final long TIME_LIMIT_NANOS = 30_000_000_000L;

    private NvmeTcpTarget target;

    @BeforeEach
    void start() throws InterruptedException {
        target = new NvmeTcpTarget(TargetConfig.of(new InetSocketAddress("127.0.0.1", 0), null),
                Fixtures.subsystem());
        target.start();
    }

    @AfterEach
    void stop() {
        target.close();
    }

    @Test
    void shouldSurviveRandomAndMutatedPdusWhileAGoodHostKeepsWorking() throws IOException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        InetSocketAddress addr = target.ioAddress();
        try (SocketHost admin = new SocketHost(addr, 5000); SocketHost good = new SocketHost(addr, 5000)) {
            int cntlid = admin.connectAdmin(Fixtures.SUBNQN, Fixtures.HOST);
            good.connectIo(Fixtures.SUBNQN, Fixtures.HOST, cntlid, 1);
            long deadline = System.nanoTime() + TIME_LIMIT_NANOS;
            int i = 0;
            for (; i < ITERATIONS && System.nanoTime() < deadline; i++) {
                attack(addr, random, cntlid);
                if (i % 50 == 0) {
                    assertGoodHostWorks(good, random, "after " + i + " attacks (seed " + seed + ")");
                }
            }
            assertGoodHostWorks(good, random, "at the end (seed " + seed + ")");
            assertThat(i).as("attacks made").isGreaterThan(100);
            System.out.println("fuzz: " + i + " hostile connections, seed " + seed);
        }
        try (SocketHost fresh = new SocketHost(addr, 5000)) {
            assertThat(fresh.connectAdmin(Fixtures.SUBNQN, Fixtures.HOST)).isPositive();
        }
    }

    private static void assertGoodHostWorks(SocketHost good, Random random, String when) throws IOException {
        byte[] block = new byte[Fixtures.BLOCK];
        random.nextBytes(block);
        long lba = random.nextInt((int) Fixtures.BLOCKS);
        assertThat(good.write(1, lba, block)).as("write status " + when).isZero();
        assertThat(good.read(1, lba, Fixtures.BLOCK)).as("read back " + when).isEqualTo(block);
    }

    /** One hostile connection: garbage, or a valid prefix followed by a mutated PDU. */
    private static void attack(InetSocketAddress addr, Random random, int cntlid) {
        try (SocketHost evil = new SocketHost(addr, 50)) {
            switch (random.nextInt(4)) {
                case 0 -> {
                    byte[] junk = new byte[1 + random.nextInt(300)];
                    random.nextBytes(junk);
                    evil.sendRaw(junk);
                }
                case 1 -> evil.send(mutate(Pdus.icReq(random.nextInt(4), random.nextInt(4)), random));
                case 2 -> {
                    evil.send(Pdus.icReq(0, 0));
                    evil.receive();
                    evil.send(mutate(randomCapsule(random, cntlid), random));
                }
                default -> {
                    evil.connectIo(Fixtures.SUBNQN, Fixtures.HOST, cntlid, 2 + random.nextInt(8));
                    ByteBuf sqe = Pdus.sqe(Opcodes.IO_WRITE, 9, 1);
                    Pdus.transport(sqe, 4096);
                    evil.send(Pdus.capsule(sqe, null, false, false));
                    ReceivedPdu r2t = evil.receive();
                    if (r2t.type() == PduType.R2T) {
                        ByteBuf data = Unpooled.buffer().writeZero(1 + random.nextInt(8192));
                        evil.send(mutate(Pdus.h2cData(9, r2t.ttag(), 0, data, true, false, false), random));
                    }
                }
            }
            drain(evil);
        } catch (IOException expected) {
            // The target may refuse or close: that is the point.
        }
    }

    private static ByteBuf randomCapsule(Random random, int cntlid) {
        int[] opcodes = {Opcodes.FABRICS, Opcodes.ADMIN_IDENTIFY, Opcodes.IO_READ, Opcodes.IO_WRITE,
            Opcodes.ADMIN_GET_LOG_PAGE, random.nextInt(256)};
        ByteBuf sqe = Pdus.sqe(opcodes[random.nextInt(opcodes.length)], random.nextInt(65536), random.nextInt(4));
        for (int i = 40; i < 64; i++) {
            if (random.nextInt(3) == 0) {
                sqe.setByte(i, random.nextInt(256));
            }
        }
        sqe.setByte(4, random.nextInt(10));
        if (random.nextBoolean()) {
            int len = random.nextInt(2048);
            ByteBuf data = Unpooled.buffer().writeZero(len);
            data.setShortLE(Math.min(16, Math.max(0, len - 2)), cntlid);
            return Pdus.capsule(Pdus.inCapsule(sqe, len), len == 0 ? null : data, false, false);
        }
        return Pdus.capsule(Pdus.transport(sqe, random.nextInt(1 << 21)), null, false, false);
    }

    /** Flips, truncates or extends a PDU at random. */
    private static ByteBuf mutate(ByteBuf pdu, Random random) {
        int n = pdu.readableBytes();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    pdu.setByte(random.nextInt(Math.min(n, 24)), random.nextInt(256));
                }
            }
            case 1 -> pdu.writerIndex(random.nextInt(n + 1));
            case 2 -> pdu.setIntLE(4, random.nextInt());
            default -> pdu.setByte(random.nextInt(n), random.nextInt(256));
        }
        return pdu;
    }

    private static void drain(SocketHost evil) {
        try {
            for (int k = 0; k < 4; k++) {
                evil.receive();
            }
        } catch (IOException | RuntimeException done) {
            // timeout or closed
        }
    }
}
