package io.basalt.initiator.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A "bad target" for tests: a TCP proxy in front of a real target that lets a test rewrite, or
 * drop, PDUs the target sends to the host. It also records the PDU types the host sends and
 * whether the host closed its side, so tests can check that the initiator terminated cleanly.
 */
public final class FaultInjectingProxy implements AutoCloseable {
    /** Rewrites one controller-to-host PDU of the queue {@code qid} (-1 before Connect); null drops it. */
    @FunctionalInterface
    public interface Fault {
        byte[] apply(int qid, byte[] pdu);
    }

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> hostPduTypes = Collections.synchronizedList(new ArrayList<>());
    private volatile Fault fault = (qid, pdu) -> pdu;
    private volatile int hostClosures;

    public FaultInjectingProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    public void fault(Fault f) {
        this.fault = f;
    }

    /** PDU types the host has sent, in order, over all connections. */
    public List<Integer> hostPduTypes() {
        synchronized (hostPduTypes) {
            return List.copyOf(hostPduTypes);
        }
    }

    /** Connections the host closed (end of stream from the host). */
    public int hostClosures() {
        return hostClosures;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket host = server.accept();
                Socket up = new Socket();
                up.connect(target, 5000);
                host.setTcpNoDelay(true);
                up.setTcpNoDelay(true);
                sockets.add(host);
                sockets.add(up);
                int[] qid = {-1};
                start(() -> pump(host, up, qid, true));
                start(() -> pump(up, host, qid, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Copies PDUs one way. When one side ends, only the other direction's output is shut: closing
     * both sockets here would cut off the opposite pump before it reads what is still in flight,
     * such as the host's H2CTermReq. Sockets are closed with the proxy.
     */
    private void pump(Socket from, Socket to, int[] qid, boolean fromHost) {
        try {
            DataInputStream in = new DataInputStream(from.getInputStream());
            OutputStream out = to.getOutputStream();
            while (true) {
                byte[] pdu = readPdu(in);
                if (pdu == null) {
                    if (fromHost) {
                        hostClosures++;
                    }
                    return;
                }
                if (fromHost) {
                    hostPduTypes.add(pdu[0] & 0xFF);
                    if ((pdu[0] & 0xFF) == 4 && (pdu[8] & 0xFF) == 0x7F && (pdu[12] & 0xFF) == 1) {
                        qid[0] = (pdu[8 + 42] & 0xFF) | (pdu[8 + 43] & 0xFF) << 8;
                    }
                } else {
                    pdu = fault.apply(qid[0], pdu);
                    if (pdu == null) {
                        continue;
                    }
                }
                out.write(pdu);
                out.flush();
            }
        } catch (IOException e) {
            if (fromHost) {
                hostClosures++;
            }
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static byte[] readPdu(InputStream in) throws IOException {
        byte[] ch = new byte[8];
        int n = in.readNBytes(ch, 0, 8);
        if (n < 8) {
            return null;
        }
        int plen = (ch[4] & 0xFF) | (ch[5] & 0xFF) << 8 | (ch[6] & 0xFF) << 16 | (ch[7] & 0xFF) << 24;
        if (plen < 8 || plen > (1 << 24)) {
            throw new IOException("bad PLEN " + plen);
        }
        byte[] pdu = new byte[plen];
        System.arraycopy(ch, 0, pdu, 0, 8);
        if (in.readNBytes(pdu, 8, plen - 8) < plen - 8) {
            return null;
        }
        return pdu;
    }

    // ---- helpers for faults -----------------------------------------------------------------

    public static int type(byte[] pdu) {
        return pdu[0] & 0xFF;
    }

    public static int le16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    public static int le32(byte[] b, int at) {
        return le16(b, at) | le16(b, at + 2) << 16;
    }

    public static void putLe16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
    }

    public static void putLe32(byte[] b, int at, int v) {
        putLe16(b, at, v);
        putLe16(b, at + 2, v >>> 16);
    }

    /** Recomputes the header digest after a rewrite, if the PDU carries one. */
    public static byte[] fixHeaderDigest(byte[] pdu) {
        if ((pdu[1] & 0x01) != 0) {
            int hlen = pdu[2] & 0xFF;
            CRC32C c = new CRC32C();
            c.update(pdu, 0, hlen);
            putLe32(pdu, hlen, (int) c.getValue());
        }
        return pdu;
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
