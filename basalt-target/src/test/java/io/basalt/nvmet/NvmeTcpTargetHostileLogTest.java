package io.basalt.nvmet;

import io.basalt.nvme.tcp.PduType;
import io.basalt.nvme.tcp.TermReq;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Pdus;
import io.basalt.nvmet.testing.ReceivedPdu;
import io.basalt.nvmet.testing.SocketHost;
import io.basalt.nvmet.transport.LogLimiter;
import io.basalt.nvmet.transport.TransportErrors;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host that opens connection after connection, each with one malformed PDU, must not be able to
 * fill the brick's disk through its log: every connection still ends with a C2HTermReq and is
 * counted, but the log gets a few lines and one summary of what was held back.
 *
 * <p>The target's log limiter runs on a clock that stands still, so the whole flood falls in one
 * window however slow this machine is; and only the lines of the target's transport loggers about
 * this host are counted, whatever else the JVM writes to stderr meanwhile.
 */
class NvmeTcpTargetHostileLogTest {
    private static final int CONNECTIONS = 2000;
    private static final long TIME_LIMIT_NANOS = 120_000_000_000L;
    /** slf4j-simple writes "time [thread] LEVEL logger - message". */
    private static final Pattern TRANSPORT_LINE = Pattern.compile(
            " (io\\.basalt\\.nvmet\\.transport\\.(ConnectionHandler|TransportErrors)) - .*127\\.0\\.0\\.1");

    private NvmeTcpTarget target;

    @AfterEach
    void stop() {
        if (target != null) {
            target.close();
        }
    }

    /** An ICReq whose HLEN is wrong: fatal, FES 1 (invalid header field) at offset 2. */
    private static ByteBuf malformedIcReq() {
        ByteBuf pdu = Pdus.icReq(0, 0);
        pdu.setByte(2, 64);
        return pdu;
    }

    @Test
    void shouldLogAFloodOfMalformedPdusInAFewLinesAndCountEveryOne() throws Exception {
        TransportErrors errors = new TransportErrors(LogLimiter.Limits.defaults(), () -> 0L);
        target = new NvmeTcpTarget(TargetConfig.of(new InetSocketAddress("127.0.0.1", 0), null),
                Fixtures.subsystem(), errors);
        target.start();
        InetSocketAddress address = target.ioAddress();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        int sent = 0;
        int termReqs = 0;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // What a target left over by an earlier test class may log meanwhile: not this host's lines.
            for (int i = 0; i < 25; i++) {
                LoggerFactory.getLogger(Controller.class).info("host nqn.2026-01.io.basalt:leftover disconnected: "
                        + "controller {} removed (keep-alive timeout)", i);
            }
            long deadline = System.nanoTime() + TIME_LIMIT_NANOS;
            for (; sent < CONNECTIONS && System.nanoTime() < deadline; sent++) {
                try (SocketHost evil = new SocketHost(address, 5000)) {
                    evil.send(malformedIcReq());
                    ReceivedPdu answer = evil.receive();
                    if (answer.type() == PduType.C2H_TERM_REQ && answer.fes() == TermReq.FES_INVALID_HEADER_FIELD) {
                        termReqs++;
                    }
                }
            }
            NvmeTcpTarget stopping = target;
            target = null;
            stopping.close(); // reports what the log limiter still holds back
        } finally {
            System.setErr(originalErr);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> TRANSPORT_LINE.matcher(l).find()).toList();
        long fatalLines = lines.stream().filter(l -> l.contains("fatal transport error")).count();
        List<String> summaries = lines.stream().filter(l -> l.contains("suppressed")).toList();

        assertThat(sent).as("hostile connections made in the time limit").isEqualTo(CONNECTIONS);
        assertThat(termReqs).as("each malformed PDU still ends its connection with a C2HTermReq").isEqualTo(sent);
        assertThat(lines).as("what the target logged about the host: its lines, then one summary")
                .hasSizeLessThanOrEqualTo(LogLimiter.Limits.PER_SOURCE_DEFAULT + 1);
        assertThat(fatalLines).isEqualTo(LogLimiter.Limits.PER_REASON_DEFAULT);
        assertThat(summaries).hasSize(1);
        assertThat(fatalLines + suppressedCount(summaries.getFirst(), "invalid header field"))
                .as("lines logged plus lines reported as suppressed").isEqualTo(sent);
        assertThat(errors.fatalErrors(TransportErrors.Reason.INVALID_HEADER_FIELD)).isEqualTo(sent);
        assertThat(errors.fatalErrors(TransportErrors.Reason.PDU_SEQUENCE_ERROR)).isZero();
    }

    /** The count for one reason in "suppressed N log lines from ... (K reason, ...)". */
    private static long suppressedCount(String line, String reason) {
        Matcher m = Pattern.compile("[(,] ?(\\d+) " + Pattern.quote(reason) + "[,)]").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Long.parseLong(m.group(1));
    }
}
