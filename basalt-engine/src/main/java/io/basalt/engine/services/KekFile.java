package io.basalt.engine.services;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * The {@code --kek-file PATH}: where the {@link KeyEncryptionKey} lives.
 *
 * <p><b>Format:</b> 64 hexadecimal digits (the 32 key bytes), optionally followed by a newline —
 * what {@code openssl rand -hex 32} prints. A file of exactly 32 bytes is also accepted as the raw
 * key ({@code head -c 32 /dev/urandom}). Nothing else.
 *
 * <p><b>Permissions:</b> the file must be a regular file that neither group nor others may read,
 * write or execute (like ssh's private keys); anything else is refused with the path, the mode
 * found and the {@code chmod} that fixes it. {@link #loadOrCreate} creates a missing file with
 * mode 0600 set atomically at creation ({@code O_CREAT|O_EXCL} with the mode, never a chmod
 * afterwards), writes it, and syncs file and directory before using the key.
 *
 * <p>No message from this class contains key bytes or file contents.
 */
public final class KekFile {
    private static final int HEX_LENGTH = KeyEncryptionKey.LENGTH * 2;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private KekFile() {
    }

    /** Loads the KEK from an existing file. */
    public static KeyEncryptionKey load(Path file) throws IOException {
        checkPermissions(file);
        if (Files.size(file) > HEX_LENGTH + 2) {
            throw new KekFileException(file + " is not a key file: " + formatHint());
        }
        byte[] content = Files.readAllBytes(file);
        try {
            return parse(file, content);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** Loads the KEK, first creating the file with a random key (mode 0600) if it does not exist. */
    public static KeyEncryptionKey loadOrCreate(Path file, SecureRandom random) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                create(file, random);
            } catch (FileAlreadyExistsException raced) {
                // Another process created it first: use theirs.
            }
        }
        return load(file);
    }

    /** Creates a new key file; fails if {@code file} exists. */
    public static void create(Path file, SecureRandom random) throws IOException {
        byte[] key = new byte[KeyEncryptionKey.LENGTH];
        random.nextBytes(key);
        byte[] text = (HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            ByteBuffer b = ByteBuffer.wrap(text);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (UnsupportedOperationException e) {
            throw new KekFileException("cannot create " + file + " with owner-only permissions: the file system"
                    + " has no POSIX permissions");
        } finally {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(text, (byte) 0);
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    private static void checkPermissions(Path file) throws IOException {
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new KekFileException("key-encryption key file " + file + " does not exist");
        } catch (UnsupportedOperationException e) {
            throw new KekFileException("cannot check the permissions of " + file
                    + ": the file system has no POSIX permissions");
        }
        if (!attrs.isRegularFile()) {
            throw new KekFileException(file + " is not a regular file");
        }
        Set<PosixFilePermission> perms = attrs.permissions();
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new KekFileException("key-encryption key file " + file + " has permissions "
                    + PosixFilePermissions.toString(perms) + "; it must be accessible by its owner only"
                    + " (chmod 600 " + file + ")");
        }
    }

    private static KeyEncryptionKey parse(Path file, byte[] content) throws KekFileException {
        if (content.length == KeyEncryptionKey.LENGTH) {
            return KeyEncryptionKey.fromBytes(content);
        }
        int n = content.length;
        if (n == HEX_LENGTH + 2 && content[n - 2] == '\r' && content[n - 1] == '\n') {
            n -= 2;
        } else if (n == HEX_LENGTH + 1 && content[n - 1] == '\n') {
            n -= 1;
        }
        if (n != HEX_LENGTH) {
            throw new KekFileException(file + " is not a key file (" + content.length + " bytes): " + formatHint());
        }
        byte[] key = new byte[KeyEncryptionKey.LENGTH];
        try {
            for (int i = 0; i < KeyEncryptionKey.LENGTH; i++) {
                int high = Character.digit(content[2 * i], 16);
                int low = Character.digit(content[2 * i + 1], 16);
                if (high < 0 || low < 0) {
                    throw new KekFileException(file + " is not a key file (not hexadecimal): " + formatHint());
                }
                key[i] = (byte) (high << 4 | low);
            }
            return KeyEncryptionKey.fromBytes(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static String formatHint() {
        return "expected 64 hexadecimal digits and an optional newline (openssl rand -hex 32), or 32 raw bytes";
    }

    private static void syncDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open or sync directories; the file itself is synced.
        }
    }

    /** The key file is missing, unreadable, too open, or not a key: the message says which. */
    public static final class KekFileException extends IOException {
        KekFileException(String message) {
            super(message);
        }
    }
}
