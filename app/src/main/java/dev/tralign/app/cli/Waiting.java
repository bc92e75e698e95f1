package dev.tralign.app.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a long-running command alive until Ctrl-C / SIGTERM, then runs its shutdown action once. */
final class Waiting {

    private Waiting() {
    }

    static void untilInterrupted(String name, Runnable onStop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println(name + ": shutting down...");
            try {
                onStop.run();
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown"));
        System.out.println("Press Ctrl-C to stop.");
        System.out.flush();
        stopped.await();
    }
}
