package io.basalt.nvmet.controller;

import java.net.InetSocketAddress;

/**
 * What a connection needs to know about the port it arrived on.
 *
 * @param discoveryOnly true on the dedicated discovery port, where only the discovery subsystem answers
 * @param ioAddress     the I/O listener's address, advertised in discovery log entries
 * @param portId        the I/O port's identifier, which discovery log entries report (they describe the I/O port)
 */
public record PortInfo(boolean discoveryOnly, InetSocketAddress ioAddress, int portId) {
}
