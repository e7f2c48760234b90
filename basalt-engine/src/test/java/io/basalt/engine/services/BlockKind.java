package io.basalt.engine.services;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Kinds of block content the services meet, generated from a seed. */
public enum BlockKind {
    ZEROS,
    RANDOM,
    /** A short random pattern repeated: compresses extremely well. */
    REPETITIVE,
    /** Words from a small vocabulary with punctuation: compresses like prose or source. */
    TEXT,
    /** Half random, half zeros: compresses to about half. */
    HALF_RANDOM;

    private static final String[] WORDS = ("the of and to in is that for it as was with be by on not he this are"
            + " or his from at which but have an they you were her she there been one all we their has would"
            + " block volume segment payload extent checkpoint public static final int long return void class"
            + " if else while for new byte null true false { } ( ) ; = + - * / 0 1 2 16 4096").split(" ");

    public byte[] fill(long seed, int length) {
        byte[] b = new byte[length];
        Random r = new Random(seed);
        switch (this) {
            case ZEROS -> {
            }
            case RANDOM -> r.nextBytes(b);
            case REPETITIVE -> {
                byte[] pattern = new byte[1 + r.nextInt(24)];
                r.nextBytes(pattern);
                for (int i = 0; i < length; i++) {
                    b[i] = pattern[i % pattern.length];
                }
            }
            case TEXT -> {
                StringBuilder s = new StringBuilder(length + 16);
                while (s.length() < length) {
                    s.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(9) == 0 ? ".\n" : " ");
                }
                System.arraycopy(s.toString().getBytes(StandardCharsets.US_ASCII), 0, b, 0, length);
            }
            case HALF_RANDOM -> {
                byte[] half = new byte[length / 2];
                r.nextBytes(half);
                System.arraycopy(half, 0, b, 0, half.length);
            }
        }
        return b;
    }
}
