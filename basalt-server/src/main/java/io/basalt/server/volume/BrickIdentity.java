package io.basalt.server.volume;

import io.basalt.nvme.Nqn;
import io.basalt.control.volume.DataDirException;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Who the brick is on the wire: its subsystem NQN and serial number, generated on first start and
 * kept in {@code DATA_DIR/brick.properties} so hosts see the same subsystem after every restart.
 */
public record BrickIdentity(String subsystemNqn, String serial) {
    public static final String FILE_NAME = "brick.properties";
    private static final String NQN_KEY = "subsystem-nqn";
    private static final String SERIAL_KEY = "serial";
    /** The NVMe serial number field is 20 ASCII characters. */
    private static final int SERIAL_LENGTH = 20;

    public static BrickIdentity loadOrCreate(Path dataDir) throws DataDirException {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Properties p = AtomicFiles.readProperties(file);
            if (p != null) {
                String nqn = p.getProperty(NQN_KEY, "");
                String serial = p.getProperty(SERIAL_KEY, "");
                if (!Nqn.isValid(nqn) || serial.isEmpty() || serial.length() > SERIAL_LENGTH) {
                    throw new DataDirException(file + " is damaged: it needs a valid " + NQN_KEY + " and a "
                            + SERIAL_KEY + " of at most " + SERIAL_LENGTH + " characters");
                }
                return new BrickIdentity(nqn, serial);
            }
            byte[] random = new byte[SERIAL_LENGTH / 2];
            new SecureRandom().nextBytes(random);
            BrickIdentity id = new BrickIdentity(Nqn.generateSubsystemNqn(),
                    HexFormat.of().withUpperCase().formatHex(random));
            Properties out = new Properties();
            out.setProperty(NQN_KEY, id.subsystemNqn());
            out.setProperty(SERIAL_KEY, id.serial());
            AtomicFiles.writeProperties(file, out, "Basalt brick identity: generated once, never change it");
            return id;
        } catch (IOException e) {
            throw new DataDirException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }
}
