package io.basalt.nvme;

/**
 * NVMe completion status values as the 15-bit field without the phase tag:
 * bits 7:0 status code (SC), 10:8 status code type (SCT), 12:11 CRD, 13 More, 14 DNR.
 */
public final class Status {
    public static final int SUCCESS = 0x000;
    /** Do Not Retry: the same command will fail again. */
    public static final int DNR = 0x4000;

    // Generic command status (SCT 0)
    public static final int INVALID_OPCODE = 0x001;
    public static final int INVALID_FIELD = 0x002;
    public static final int CMD_ID_CONFLICT = 0x003;
    public static final int DATA_XFER_ERROR = 0x004;
    public static final int INTERNAL_ERROR = 0x006;
    public static final int ABORT_REQ = 0x007;
    public static final int INVALID_NAMESPACE = 0x00B;
    public static final int COMMAND_SEQUENCE_ERROR = 0x00C;
    public static final int SGL_INVALID_DATA_LENGTH = 0x00F;
    public static final int SGL_INVALID_TYPE = 0x011;
    public static final int SGL_INVALID_OFFSET = 0x016;
    public static final int NAMESPACE_WRITE_PROTECTED = 0x020;
    public static final int TRANSIENT_TRANSPORT_ERROR = 0x022;
    public static final int LBA_OUT_OF_RANGE = 0x080;
    public static final int CAPACITY_EXCEEDED = 0x081;
    public static final int NAMESPACE_NOT_READY = 0x082;

    // Command specific status (SCT 1)
    public static final int ASYNC_LIMIT_EXCEEDED = 0x105;
    public static final int INVALID_LOG_PAGE = 0x109;
    public static final int FEATURE_NOT_SAVEABLE = 0x10D;
    public static final int CONNECT_INCOMPATIBLE_FORMAT = 0x180;
    public static final int CONNECT_CONTROLLER_BUSY = 0x181;
    public static final int CONNECT_INVALID_PARAMETERS = 0x182;
    public static final int CONNECT_RESTART_DISCOVERY = 0x183;
    public static final int CONNECT_INVALID_HOST = 0x184;

    // Media and data integrity errors (SCT 2)
    public static final int WRITE_FAULT = 0x280;
    public static final int UNRECOVERED_READ_ERROR = 0x281;
    public static final int COMPARE_FAILURE = 0x285;
    public static final int ACCESS_DENIED = 0x286;

    // Path related status (SCT 3)
    public static final int INTERNAL_PATH_ERROR = 0x300;
    public static final int ANA_PERSISTENT_LOSS = 0x301;
    public static final int ANA_INACCESSIBLE = 0x302;
    public static final int ANA_TRANSITION = 0x303;

    private Status() {
    }

    public static boolean isSuccess(int status) {
        return (status & 0x7FF) == 0;
    }

    public static int statusCodeType(int status) {
        return (status >> 8) & 0x7;
    }

    public static int statusCode(int status) {
        return status & 0xFF;
    }

    /** A readable name such as {@code LBA_OUT_OF_RANGE (0x80) DNR} for logs and exceptions. */
    public static String describe(int status) {
        String name = switch (status & 0x7FF) {
            case SUCCESS -> "SUCCESS";
            case INVALID_OPCODE -> "INVALID_OPCODE";
            case INVALID_FIELD -> "INVALID_FIELD";
            case CMD_ID_CONFLICT -> "CMD_ID_CONFLICT";
            case DATA_XFER_ERROR -> "DATA_XFER_ERROR";
            case INTERNAL_ERROR -> "INTERNAL_ERROR";
            case ABORT_REQ -> "ABORT_REQ";
            case INVALID_NAMESPACE -> "INVALID_NAMESPACE";
            case COMMAND_SEQUENCE_ERROR -> "COMMAND_SEQUENCE_ERROR";
            case SGL_INVALID_DATA_LENGTH -> "SGL_INVALID_DATA_LENGTH";
            case SGL_INVALID_TYPE -> "SGL_INVALID_TYPE";
            case SGL_INVALID_OFFSET -> "SGL_INVALID_OFFSET";
            case NAMESPACE_WRITE_PROTECTED -> "NAMESPACE_WRITE_PROTECTED";
            case TRANSIENT_TRANSPORT_ERROR -> "TRANSIENT_TRANSPORT_ERROR";
            case LBA_OUT_OF_RANGE -> "LBA_OUT_OF_RANGE";
            case CAPACITY_EXCEEDED -> "CAPACITY_EXCEEDED";
            case NAMESPACE_NOT_READY -> "NAMESPACE_NOT_READY";
            case ASYNC_LIMIT_EXCEEDED -> "ASYNC_LIMIT_EXCEEDED";
            case INVALID_LOG_PAGE -> "INVALID_LOG_PAGE";
            case FEATURE_NOT_SAVEABLE -> "FEATURE_NOT_SAVEABLE";
            case CONNECT_INCOMPATIBLE_FORMAT -> "CONNECT_INCOMPATIBLE_FORMAT";
            case CONNECT_CONTROLLER_BUSY -> "CONNECT_CONTROLLER_BUSY";
            case CONNECT_INVALID_PARAMETERS -> "CONNECT_INVALID_PARAMETERS";
            case CONNECT_RESTART_DISCOVERY -> "CONNECT_RESTART_DISCOVERY";
            case CONNECT_INVALID_HOST -> "CONNECT_INVALID_HOST";
            case WRITE_FAULT -> "WRITE_FAULT";
            case UNRECOVERED_READ_ERROR -> "UNRECOVERED_READ_ERROR";
            case COMPARE_FAILURE -> "COMPARE_FAILURE";
            case ACCESS_DENIED -> "ACCESS_DENIED";
            case INTERNAL_PATH_ERROR -> "INTERNAL_PATH_ERROR";
            case ANA_PERSISTENT_LOSS -> "ANA_PERSISTENT_LOSS";
            case ANA_INACCESSIBLE -> "ANA_INACCESSIBLE";
            case ANA_TRANSITION -> "ANA_TRANSITION";
            default -> "STATUS";
        };
        return name + String.format(" (0x%03x)", status & 0x7FF) + ((status & DNR) != 0 ? " DNR" : "");
    }
}
