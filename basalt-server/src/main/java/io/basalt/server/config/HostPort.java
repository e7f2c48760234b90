package io.basalt.server.config;

import io.basalt.control.volume.ConfigException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Listen addresses written {@code HOST:PORT}, {@code [IPv6]:PORT}; port 0 picks a free port. */
public final class HostPort {
    /** Written instead of an address to turn a listener off. */
    public static final String NONE = "none";

    private HostPort() {
    }

    public static InetSocketAddress parse(String text) {
        String s = text == null ? "" : text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new ConfigException("invalid address '" + text + "' (expected HOST:PORT, e.g. 127.0.0.1:4420)");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new ConfigException("invalid address '" + text + "' (write IPv6 addresses as [ADDR]:PORT)");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("invalid port in '" + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("port out of range in '" + text + "' (0-65535)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new ConfigException("unknown host '" + host + "' in '" + text + "'");
        }
    }

    /** Like {@link #parse}, but {@code none} gives null: the listener is off. */
    public static InetSocketAddress parseOptional(String text) {
        return text != null && NONE.equalsIgnoreCase(text.trim()) ? null : parse(text);
    }

    /** HOST:PORT as {@link #parse} reads it. */
    public static String format(InetSocketAddress address) {
        if (address == null) {
            return NONE;
        }
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
