package io.basalt.initiator;

import io.basalt.nvme.Opcodes;

/**
 * Command names for error messages, as the specification and nvme-cli spell them. The admin and
 * I/O command sets reuse opcodes, so the queue a command ran on decides which name it gets.
 */
final class CommandNames {
    private CommandNames() {
    }

    static String of(CommandSlot s, boolean adminQueue) {
        if (s.opcode == Opcodes.FABRICS) {
            return switch (s.fctype) {
                case Opcodes.FCTYPE_CONNECT -> "Connect";
                case Opcodes.FCTYPE_PROPERTY_GET -> "Property Get";
                case Opcodes.FCTYPE_PROPERTY_SET -> "Property Set";
                default -> "Fabrics " + s.fctype;
            };
        }
        if (adminQueue) {
            return switch (s.opcode) {
                case Opcodes.ADMIN_IDENTIFY -> "Identify";
                case Opcodes.ADMIN_GET_LOG_PAGE -> "Get Log Page";
                case Opcodes.ADMIN_SET_FEATURES -> "Set Features";
                case Opcodes.ADMIN_GET_FEATURES -> "Get Features";
                case Opcodes.ADMIN_KEEP_ALIVE -> "Keep Alive";
                default -> String.format("admin opcode 0x%02x", s.opcode);
            };
        }
        return switch (s.opcode) {
            case Opcodes.IO_READ -> "Read";
            case Opcodes.IO_WRITE -> "Write";
            case Opcodes.IO_FLUSH -> "Flush";
            case Opcodes.IO_WRITE_ZEROES -> "Write Zeroes";
            case Opcodes.IO_DATASET_MANAGEMENT -> "Dataset Management";
            default -> String.format("I/O opcode 0x%02x", s.opcode);
        };
    }
}
