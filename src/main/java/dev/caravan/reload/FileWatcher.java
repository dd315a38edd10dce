package dev.caravan.reload;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one directory (JDK WatchService: inotify on Linux) and reports changed files, debounced by 50 ms so
 * that an editor's write-then-rename or several write events for one save become one reload.
 */
public final class FileWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);
    private static final long DEBOUNCE_MS = 50;

    private final Path dir;
    private final Consumer<Path> onChange;
    private final String threadName;
    private volatile WatchService service;
    private Thread thread;

    FileWatcher(Path dir, Consumer<Path> onChange) {
        this(dir, "caravan-route-watch", onChange);
    }

    /** Watches {@code dir} on a daemon thread named {@code threadName}; {@code onChange} gets each changed file. */
    public FileWatcher(Path dir, String threadName, Consumer<Path> onChange) {
        this.dir = dir.toAbsolutePath().normalize();
        this.onChange = onChange;
        this.threadName = threadName;
    }

    public void start() {
        try {
            service = FileSystems.getDefault().newWatchService();
            dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch " + dir, e);
        }
        thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() {
        try {
            if (service != null) {
                service.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = service.take();
                Set<Path> changed = new LinkedHashSet<>();
                collect(key, changed);
                WatchKey more;
                while ((more = service.poll(DEBOUNCE_MS, TimeUnit.MILLISECONDS)) != null) {
                    collect(more, changed);
                }
                for (Path p : changed) {
                    try {
                        onChange.accept(p);
                    } catch (RuntimeException e) {
                        LOG.error("change of {} not applied: {}", p, e.toString());
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // stopped
        }
    }

    private void collect(WatchKey key, Set<Path> changed) {
        for (WatchEvent<?> ev : key.pollEvents()) {
            if (ev.context() instanceof Path p) {
                changed.add(dir.resolve(p));
            }
        }
        key.reset();
    }
}
