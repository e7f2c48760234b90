package io.basalt.nvmet.fabrics;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvmet.controller.Connect;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.controller.Queue;
import io.basalt.nvmet.controller.Registers;
import io.basalt.nvmet.core.CommandSet;
import io.basalt.nvmet.core.Request;

/**
 * Fabrics commands (opcode 7Fh): Connect, Property Get/Set and Disconnect. Authentication is not
 * offered (the discovery log never asks for it), so Authentication Send/Receive are invalid.
 */
public final class FabricsCommands implements CommandSet {
    /** Connect data: host identifier, controller ID, subsystem NQN and host NQN (1024 bytes). */
    static final int CONNECT_DATA_LENGTH = 1024;

    @Override
    public int prepare(Request req) {
        int fctype = req.sqe().getUnsignedByte(4);
        Queue q = req.queue();
        return switch (fctype) {
            case Opcodes.FCTYPE_CONNECT -> q.connected() ? Status.COMMAND_SEQUENCE_ERROR | Status.DNR
                    : req.sglLength() != CONNECT_DATA_LENGTH ? Status.SGL_INVALID_DATA_LENGTH | Status.DNR
                    : Status.SUCCESS;
            case Opcodes.FCTYPE_PROPERTY_GET, Opcodes.FCTYPE_PROPERTY_SET ->
                    !q.connected() ? Status.COMMAND_SEQUENCE_ERROR | Status.DNR
                            : !q.isAdmin() ? Status.INVALID_FIELD | Status.DNR : Status.SUCCESS;
            case Opcodes.FCTYPE_DISCONNECT -> q.connected() ? Status.SUCCESS
                    : Status.COMMAND_SEQUENCE_ERROR | Status.DNR;
            default -> Status.INVALID_OPCODE | Status.DNR;
        };
    }

    @Override
    public int execute(Request req) {
        int fctype = req.sqe().getUnsignedByte(4);
        return switch (fctype) {
            case Opcodes.FCTYPE_CONNECT -> Connect.execute(req);
            case Opcodes.FCTYPE_PROPERTY_GET -> propertyGet(req);
            case Opcodes.FCTYPE_PROPERTY_SET -> propertySet(req);
            case Opcodes.FCTYPE_DISCONNECT -> disconnect(req);
            default -> Status.INVALID_OPCODE | Status.DNR;
        };
    }

    /** attrib bit 0: 0 = 4-byte property, 1 = 8-byte property; offset in cdw11. */
    private int propertyGet(Request req) {
        Controller c = req.queue().controller();
        boolean eightBytes = (req.sqe().getUnsignedByte(40) & 1) != 0;
        int offset = req.cdw(11);
        long value;
        switch (offset) {
            case Registers.CAP -> value = Registers.capabilities(req.queue().config().maxQueueEntries());
            case Registers.VS -> value = Registers.VERSION;
            case Registers.CC -> value = c.cc() & 0xFFFFFFFFL;
            case Registers.CSTS -> value = c.csts() & 0xFFFFFFFFL;
            default -> {
                return Status.INVALID_FIELD | Status.DNR;
            }
        }
        if (!eightBytes && offset == Registers.CAP) {
            value &= 0xFFFFFFFFL;
        }
        req.setResult(value);
        return Status.SUCCESS;
    }

    private int propertySet(Request req) {
        Controller c = req.queue().controller();
        int offset = req.cdw(11);
        if (offset != Registers.CC) {
            return Status.INVALID_FIELD | Status.DNR;
        }
        c.writeCc(req.cdw(12));
        return Status.SUCCESS;
    }

    /** Deletes the queue: the connection closes once the response is sent. */
    private int disconnect(Request req) {
        req.queue().transport().close("host sent Disconnect");
        return Status.SUCCESS;
    }
}
