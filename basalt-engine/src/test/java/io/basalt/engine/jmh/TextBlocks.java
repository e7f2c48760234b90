package io.basalt.engine.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Write payloads that compress about as text does: words drawn from a small vocabulary of made-up
 * words, so LZ4 has real work and saves space (random bytes it would reject at once, zeros it would
 * squeeze to nothing): LZ4 stores these blocks 1.85× smaller (the JDK's sources: 2.4×, binaries:
 * 1.5×; docs/benchmarks.md). Deterministic, so every run writes the same bytes.
 */
final class TextBlocks {
    private static final int VOCABULARY = 128;

    /** {@code count} 4 KiB direct buffers of text (the caller releases them). */
    static ByteBuf[] create(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] words = new String[VOCABULARY];
        for (int i = 0; i < words.length; i++) {
            char[] w = new char[2 + random.nextInt(9)];
            for (int k = 0; k < w.length; k++) {
                w[k] = (char) ('a' + random.nextInt(26));
            }
            words[i] = new String(w);
        }
        ByteBuf[] blocks = new ByteBuf[count];
        for (int b = 0; b < count; b++) {
            StringBuilder text = new StringBuilder(QueueDriver.BLOCK + 16);
            while (text.length() < QueueDriver.BLOCK) {
                text.append(words[random.nextInt(words.length)]).append(random.nextInt(12) == 0 ? '\n' : ' ');
            }
            byte[] bytes = text.substring(0, QueueDriver.BLOCK).getBytes(StandardCharsets.US_ASCII);
            blocks[b] = Unpooled.directBuffer(QueueDriver.BLOCK, QueueDriver.BLOCK).writeBytes(bytes);
        }
        return blocks;
    }

    /** The same text as one array of {@code blocks} blocks (for a sequential fill). */
    static byte[] concat(ByteBuf[] blocks, int count) {
        byte[] out = new byte[count * QueueDriver.BLOCK];
        for (int i = 0; i < count; i++) {
            ByteBuf b = blocks[i % blocks.length];
            b.getBytes(b.readerIndex(), out, i * QueueDriver.BLOCK, QueueDriver.BLOCK);
        }
        return out;
    }

    private TextBlocks() {
    }
}
