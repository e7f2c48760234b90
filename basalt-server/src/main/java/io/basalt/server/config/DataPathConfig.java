package io.basalt.server.config;

import io.basalt.control.volume.ConfigException;
import io.basalt.netty.TcpCongestion;

import java.util.Map;
import java.util.Set;

/**
 * How the brick runs its NVMe/TCP data path.
 *
 * @param ioThreads event loops serving connections (each connection stays on one); 0 = one per core
 * @param busyPoll  event loops spin instead of sleeping: queue-depth-1 latency drops to a quarter on a
 *                  VM, at the price of one busy core per loop — set io-threads to the cores you give
 * @param tcpCongestion the TCP congestion control algorithm of the brick's NVMe/TCP connections, or
 *                  null for the machine's default ({@code net.ipv4.tcp_congestion_control})
 */
public record DataPathConfig(int ioThreads, boolean busyPoll, String tcpCongestion) {
    public static final String IO_THREADS_KEY = "io-threads";
    public static final int IO_THREADS_DEFAULT = 0;
    public static final String BUSY_POLL_KEY = "busy-poll";
    public static final boolean BUSY_POLL_DEFAULT = false;
    public static final String TCP_CONGESTION_KEY = "tcp-congestion";
    public static final Set<String> KEYS = Set.of(IO_THREADS_KEY, BUSY_POLL_KEY, TCP_CONGESTION_KEY);
    public static final DataPathConfig DEFAULT = new DataPathConfig(IO_THREADS_DEFAULT, BUSY_POLL_DEFAULT, null);
    static final int IO_THREADS_MAX = 1024;

    public DataPathConfig {
        if (ioThreads < 0 || ioThreads > IO_THREADS_MAX) {
            throw new ConfigException(IO_THREADS_KEY + ": must be between 0 (one per core) and " + IO_THREADS_MAX
                    + ", got " + ioThreads);
        }
        if (tcpCongestion != null) {
            try {
                TcpCongestion.requireValidName(tcpCongestion);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(TCP_CONGESTION_KEY + ": " + e.getMessage());
            }
        }
    }

    /** Flag values over file values over defaults; a missing key means "not given". */
    public static DataPathConfig resolve(Map<String, String> file, Map<String, String> flags) {
        String threads = pick(IO_THREADS_KEY, flags, file);
        String poll = pick(BUSY_POLL_KEY, flags, file);
        String congestion = pick(TCP_CONGESTION_KEY, flags, file);
        return new DataPathConfig(threads == null ? IO_THREADS_DEFAULT : integer(threads),
                poll == null ? BUSY_POLL_DEFAULT : bool(poll), congestion == null ? null : congestion.trim());
    }

    private static String pick(String key, Map<String, String> flags, Map<String, String> file) {
        String v = flags.get(key);
        return v != null ? v : file.get(key);
    }

    private static int integer(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(IO_THREADS_KEY + ": not a number: '" + s + "'");
        }
    }

    private static boolean bool(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(BUSY_POLL_KEY + ": expected true or false, got '" + s + "'");
        };
    }
}
