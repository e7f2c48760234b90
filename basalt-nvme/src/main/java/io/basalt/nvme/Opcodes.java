package io.basalt.nvme;

/** Command opcodes of the admin, I/O (NVM command set) and fabrics command sets. */
public final class Opcodes {
    // Admin
    public static final int ADMIN_GET_LOG_PAGE = 0x02;
    public static final int ADMIN_IDENTIFY = 0x06;
    public static final int ADMIN_ABORT = 0x08;
    public static final int ADMIN_SET_FEATURES = 0x09;
    public static final int ADMIN_GET_FEATURES = 0x0A;
    public static final int ADMIN_ASYNC_EVENT_REQUEST = 0x0C;
    public static final int ADMIN_KEEP_ALIVE = 0x18;

    // NVM I/O
    public static final int IO_FLUSH = 0x00;
    public static final int IO_WRITE = 0x01;
    public static final int IO_READ = 0x02;
    public static final int IO_COMPARE = 0x05;
    public static final int IO_WRITE_ZEROES = 0x08;
    public static final int IO_DATASET_MANAGEMENT = 0x09;

    // Fabrics
    public static final int FABRICS = 0x7F;
    public static final int FCTYPE_PROPERTY_SET = 0x00;
    public static final int FCTYPE_CONNECT = 0x01;
    public static final int FCTYPE_PROPERTY_GET = 0x04;
    public static final int FCTYPE_AUTH_SEND = 0x05;
    public static final int FCTYPE_AUTH_RECEIVE = 0x06;
    public static final int FCTYPE_DISCONNECT = 0x08;

    /** Data transfer direction in opcode (or fctype) bits 1:0. */
    public static final int XFER_NONE = 0;
    public static final int XFER_HOST_TO_CONTROLLER = 1;
    public static final int XFER_CONTROLLER_TO_HOST = 2;

    private Opcodes() {
    }

    /** The transfer direction a command's opcode (or a fabrics command's fctype) encodes. */
    public static int transferDirection(int opcode, int fctype) {
        return (opcode == FABRICS ? fctype : opcode) & 0x3;
    }
}
