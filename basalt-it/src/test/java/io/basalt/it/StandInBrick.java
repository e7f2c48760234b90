package io.basalt.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Stands in for a brick when testing the harness: listens on 127.0.0.1:PORT and tells every
 * connection which instance it is talking to, so a guest can see that a restart happened.
 */
public final class StandInBrick {

    private StandInBrick() {}

    public static void main(String[] args) throws IOException {
        String instance = UUID.randomUUID().toString();
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])));
            System.out.println("stand-in brick " + instance + " on port " + server.getLocalPort());
            while (true) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(("instance " + instance + "\n").getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
    }
}
