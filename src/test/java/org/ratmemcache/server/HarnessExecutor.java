package org.ratmemcache.server;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.AbstractEventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;

/**
 * The event loop of a {@link ConnectionHarness}'s handlers. An {@code EmbeddedChannel}'s own loop
 * is single-threaded by contract (its task queue is a plain deque), but a command that waited for
 * the disk tier hands its reply back from a disk thread, as it does to a real event loop. Here
 * those hand-offs go into a concurrent queue, and the test's thread runs them ({@link #runTasks}):
 * the handler's code still runs on one thread, the test's, as on the real server.
 */
final class HarnessExecutor extends AbstractEventExecutor {

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    /** Runs the tasks handed over so far, on the calling (the test's) thread. */
    void runTasks() {
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
            task.run();
        }
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Everything the channel does from the handlers runs at once, as on its own loop. */
    @Override
    public boolean inEventLoop(Thread thread) {
        return true;
    }

    @Override
    public boolean isShuttingDown() {
        return false;
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        return terminationFuture();
    }

    @Override
    public Future<?> terminationFuture() {
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
    }

    @Override
    @Deprecated
    public void shutdown() {
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
