/**
 * Inline data services, as building blocks the engine thread calls per block: compression
 * ({@link io.basalt.engine.services.BlockCompressor}, {@link io.basalt.engine.services.BlockDecompressor}),
 * encryption at rest ({@link io.basalt.engine.services.AesXts} under a
 * {@link io.basalt.engine.services.DataKey} wrapped by a {@link io.basalt.engine.services.KeyEncryptionKey}
 * from a {@link io.basalt.engine.services.KekFile}); dedup's fingerprints and index are
 * {@link io.basalt.engine.dedup}'s own.
 *
 * <p>Write path order: fingerprint the plaintext → index lookup (a hit shares the extent and
 * ends here) → compress (or raw) → encrypt the payload (compressed payloads are multiples of 16
 * bytes, so XTS applies to them as they are) → CRC32C over what is stored. The read path undoes
 * it: CRC → decrypt → decompress. Every object here is owned by one thread, reuses its buffers
 * and allocates nothing per call.
 *
 * <p>Compressing before encrypting means a payload's stored length depends on its plaintext;
 * like every storage system that does both, an observer of the devices learns how compressible
 * each block is.
 */
package io.basalt.engine.services;
