/**
 * The replica protocol between bricks: its frames as flyweights ({@link io.basalt.replication.wire.Hello},
 * {@link io.basalt.replication.wire.RequestHeader}, {@link io.basalt.replication.wire.ResponseHeader})
 * and their decoders. All fields are big endian; each side opens with a {@code HELLO} and then
 * sends only requests (primary to replica) or only responses (replica to primary), matched by id.
 *
 * <p>Why a protocol of our own rather than NVMe/TCP through the initiator: every replicated
 * operation must carry the volume's epoch, so the replica can refuse a deposed primary, and the
 * volume's UUID, so one connection per pair of bricks serves all their volumes; NVMe commands have
 * no field for either, and smuggling them into vendor-specific bits would still leave us a
 * controller, queues and namespaces to set up per volume on every replica. A frame of fixed
 * 48 bytes plus data is also less to parse than a capsule, and the fan-out store needs none of
 * NVMe's admin, discovery or ANA machinery on this hop.
 */
package io.basalt.replication.wire;
