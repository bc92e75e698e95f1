package dev.tralign.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks done before a server binds, so a clash gets a message that says which option to change. */
public final class Ports {

    private Ports() {
    }

    /**
     * Returns {@code port} when it is free on {@code host}, or a free port when {@code port} is 0.
     *
     * @param option the command-line option that sets this port, named in the error
     * @throws PortInUseException when the port is taken
     */
    public static int reserve(String host, int port, String option) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is out of range: pass " + option
                    + " with a value from 1 to 65535, or 0 for any free port");
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return socket.getLocalPort();
        } catch (java.net.BindException e) {
            throw new PortInUseException("port " + port + " is in use on " + host + ": pass " + option
                    + " with another port (0 picks a free one), or stop what is listening there");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind " + host + ":" + port + " (check the host, --host): " + e, e);
        }
    }

    /** A port was taken; the message names the option that moves it. */
    public static final class PortInUseException extends IllegalStateException {
        PortInUseException(String message) {
            super(message);
        }
    }
}
