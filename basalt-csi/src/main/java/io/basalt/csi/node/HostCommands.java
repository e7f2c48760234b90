package io.basalt.csi.node;

import io.basalt.csi.rpc.CsiErrors;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's host operations — NVMe/TCP connect and disconnect, finding a namespace's device, file
 * systems, mounts and usage — each as the command a Linux host runs for it. Paths and names reach
 * commands as separate arguments (a {@code sh -c} script takes them as {@code $1}, {@code $2}), never
 * spliced into a command line. A command that fails is INTERNAL with its stderr, which is what an
 * operator needs to see in the pod's events.
 */
final class HostCommands {
    /** A namespace's block device (the multipath head, nvmeXnY), never a hidden path device (nvmeXcYnZ). */
    private static final Pattern NAMESPACE_UUID_FILE = Pattern.compile("/sys/block/(nvme\\d+n\\d+)/uuid");

    private final CommandRunner runner;
    private final Polling polling;

    HostCommands(CommandRunner runner, Polling polling) {
        this.runner = runner;
        this.polling = polling;
    }

    /** Usage of a mounted file system or a block device. */
    record Usage(long totalBytes, long availableBytes, long usedBytes, long totalInodes, long freeInodes,
                 boolean block) {
    }

    String readFile(String path) {
        return check(run("cat", path), "cannot read " + path).stdout().trim();
    }

    boolean exists(String path) {
        return run("test", "-e", path).ok();
    }

    /** Whether this host has a controller of the subsystem (any path). */
    boolean connected(String subsystemNqn) {
        CommandRunner.Result r = run("sh", "-c", "cat /sys/class/nvme-subsystem/*/subsysnqn 2>/dev/null; true");
        return r.stdout().lines().map(String::trim).anyMatch(subsystemNqn::equals);
    }

    /** Connects one NVMe/TCP path ({@code HOST:PORT}) to the subsystem as {@code hostNqn}. */
    void connect(String target, String subsystemNqn, String hostNqn, int ctrlLossTmo, int reconnectDelay) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            throw CsiErrors.invalid("NVMe/TCP target '" + target + "' is not HOST:PORT");
        }
        String host = target.substring(0, colon).replace("[", "").replace("]", "");
        check(run("nvme", "connect", "-t", "tcp", "-a", host, "-s", target.substring(colon + 1), "-n", subsystemNqn,
                "--hostnqn=" + hostNqn, "--ctrl-loss-tmo=" + ctrlLossTmo, "--reconnect-delay=" + reconnectDelay),
                "nvme connect to " + target + " failed");
    }

    void disconnect(String subsystemNqn) {
        check(run("nvme", "disconnect", "-n", subsystemNqn), "nvme disconnect " + subsystemNqn + " failed");
    }

    /** The device ({@code /dev/nvmeXnY}) of the namespace with this UUID, waiting for it to appear. */
    String waitForDevice(String uuid, Duration timeout) {
        long deadline = polling.nanoClock().getAsLong() + timeout.toNanos();
        while (true) {
            CommandRunner.Result r = run("sh", "-c", "grep -l -i -x -F \"$1\" /sys/block/nvme*/uuid 2>/dev/null; true",
                    "sh", uuid.toLowerCase(Locale.ROOT));
            for (String line : r.stdout().lines().toList()) {
                Matcher m = NAMESPACE_UUID_FILE.matcher(line.trim());
                if (m.matches()) {
                    return "/dev/" + m.group(1);
                }
            }
            if (polling.nanoClock().getAsLong() - deadline >= 0) {
                throw CsiErrors.unavailable("namespace " + uuid + " did not appear within " + timeout
                        + " after connecting (is the volume published to this host's NQN?)");
            }
            pause();
        }
    }

    /** Whether {@code device} ({@code /dev/nvmeXnY}) exists and is the namespace with this UUID. */
    boolean isNamespace(String device, String uuid) {
        CommandRunner.Result r = run("cat", "/sys/block/" + device.substring(device.lastIndexOf('/') + 1) + "/uuid");
        return r.ok() && r.stdout().trim().equalsIgnoreCase(uuid);
    }

    /** The file system on a device, or "" when it is blank (blkid finds no signature: exit 2). */
    String fsType(String device) {
        CommandRunner.Result r = run("blkid", "-p", "-s", "TYPE", "-o", "value", device);
        if (r.exitCode() == 2) {
            return "";
        }
        return check(r, "blkid " + device + " failed").stdout().trim();
    }

    void mkfs(String fsType, String device) {
        List<String> argv = fsType.equals("xfs") ? List.of("mkfs.xfs", "-q", device)
                : List.of("mkfs." + fsType, "-q", device);
        check(runner(argv), "mkfs." + fsType + " " + device + " failed");
    }

    boolean mounted(String path) {
        return run("mountpoint", "-q", path).ok();
    }

    void makeDirectory(String path) {
        check(run("mkdir", "-p", path), "cannot create " + path);
    }

    /** Creates an empty file to bind a block device onto, and its directory. */
    void makeFile(String path) {
        check(run("sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && touch \"$1\"", "sh", path), "cannot create " + path);
    }

    void mount(String device, String path, String fsType, List<String> flags) {
        List<String> argv = new ArrayList<>(List.of("mount", "-t", fsType));
        if (!flags.isEmpty()) {
            argv.add("-o");
            argv.add(String.join(",", flags));
        }
        argv.add(device);
        argv.add(path);
        check(runner(argv), "cannot mount " + device + " at " + path);
    }

    /** Bind-mounts {@code source} (a directory or a device node) at {@code target}, read-only if asked. */
    void bindMount(String source, String target, boolean readOnly) {
        check(run("mount", "--bind", source, target), "cannot bind " + source + " at " + target);
        if (readOnly) {
            check(run("mount", "-o", "remount,bind,ro", target), "cannot make " + target + " read-only");
        }
    }

    void unmount(String path) {
        check(run("umount", path), "cannot unmount " + path);
    }

    /** Removes a publish target: an empty directory or the file a block device was bound to. */
    void removeTarget(String path) {
        check(run("sh", "-c", "if [ -d \"$1\" ]; then rmdir \"$1\"; else rm -f \"$1\"; fi", "sh", path),
                "cannot remove " + path);
    }

    long sizeBytes(String device) {
        String out = check(run("blockdev", "--getsize64", device), "cannot read the size of " + device).stdout().trim();
        try {
            return Long.parseLong(out);
        } catch (NumberFormatException e) {
            throw CsiErrors.internal("blockdev --getsize64 " + device + " printed '" + out + "'");
        }
    }

    /** Waits until the device has grown to {@code bytes} (the target's AEN makes the kernel re-read its size). */
    long waitForSize(String device, long bytes, Duration timeout) {
        long deadline = polling.nanoClock().getAsLong() + timeout.toNanos();
        while (true) {
            long size = sizeBytes(device);
            if (size >= bytes) {
                return size;
            }
            if (polling.nanoClock().getAsLong() - deadline >= 0) {
                throw CsiErrors.unavailable(device + " is " + size + " bytes, not yet " + bytes + " after " + timeout);
            }
            pause();
        }
    }

    /** Grows the file system to its device: ext4 by its device, xfs by its mount point. */
    void growFileSystem(String fsType, String device, String mountPath) {
        List<String> argv = fsType.equals("xfs") ? List.of("xfs_growfs", mountPath) : List.of("resize2fs", device);
        check(runner(argv), argv.getFirst() + " failed");
    }

    Usage usage(String path) {
        if (run("test", "-b", path).ok()) {
            long size = sizeBytes(path);
            return new Usage(size, 0, 0, 0, 0, true);
        }
        String out = check(run("stat", "-f", "-c", "%S %b %f %a %c %d", path), "cannot stat " + path).stdout().trim();
        String[] f = out.split("\\s+");
        if (f.length != 6) {
            throw CsiErrors.internal("stat -f " + path + " printed '" + out + "'");
        }
        long bs = Long.parseLong(f[0]);
        long blocks = Long.parseLong(f[1]);
        long free = Long.parseLong(f[2]);
        long avail = Long.parseLong(f[3]);
        return new Usage(blocks * bs, avail * bs, (blocks - free) * bs, Long.parseLong(f[4]), Long.parseLong(f[5]),
                false);
    }

    /** Whether at least one controller of the subsystem is live (a path that can carry I/O). */
    boolean anyPathLive(String subsystemNqn) {
        CommandRunner.Result r = run("sh", "-c", "for s in /sys/class/nvme-subsystem/*; do "
                + "[ \"$(cat \"$s/subsysnqn\" 2>/dev/null)\" = \"$1\" ] && cat \"$s\"/nvme*/state 2>/dev/null; done; true",
                "sh", subsystemNqn);
        return r.stdout().lines().map(String::trim).anyMatch("live"::equals);
    }

    private void pause() {
        try {
            polling.pause().pause(polling.interval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CsiErrors.aborted("interrupted while waiting for the kernel");
        }
    }

    private CommandRunner.Result run(String... argv) {
        return runner(List.of(argv));
    }

    private CommandRunner.Result runner(List<String> argv) {
        try {
            return runner.run(argv);
        } catch (IOException e) {
            throw CsiErrors.internal(argv.getFirst() + ": " + e.getMessage()
                    + " (the node image needs nvme-cli, util-linux, e2fsprogs and xfsprogs)");
        }
    }

    private static CommandRunner.Result check(CommandRunner.Result r, String what) {
        if (!r.ok()) {
            throw CsiErrors.internal(what + " (exit " + r.exitCode() + "): " + r.stderr().trim());
        }
        return r;
    }
}
