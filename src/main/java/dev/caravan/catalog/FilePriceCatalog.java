package dev.caravan.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.reload.FileWatcher;

/**
 * The catalog Caravan runs with: the generated {@code catalog/models.yaml} from the class path, and the user's
 * overrides file (normally {@code config/models.yaml}) on top. When {@link #watch()} is on, an edit of the overrides
 * file is applied within a second; a file that does not parse is rejected with its error and the last good catalog
 * stays in use.
 */
public final class FilePriceCatalog implements PriceCatalog {

    public static final String BUILT_IN = "catalog/models.yaml";

    private static final Logger LOG = LoggerFactory.getLogger(FilePriceCatalog.class);

    private final CatalogFile builtIn;
    private final Path overrides;
    private final AtomicLong generation = new AtomicLong();
    private volatile CatalogIndex index;
    private FileWatcher watcher;

    /** Loads both files; a broken overrides file at start is an error (the gateway does not start on it). */
    public FilePriceCatalog(Path overrides) {
        this(loadBuiltIn(), overrides);
    }

    FilePriceCatalog(CatalogFile builtIn, Path overrides) {
        this.builtIn = builtIn;
        this.overrides = overrides == null ? null : overrides.toAbsolutePath().normalize();
        this.index = new CatalogIndex(builtIn, readOverrides());
        generation.incrementAndGet();
    }

    @Override
    public Optional<ModelInfo> find(String provider, String model) {
        return index.find(provider, model);
    }

    @Override
    public List<ModelInfo> models() {
        return index.all();
    }

    @Override
    public long generation() {
        return generation.get();
    }

    /** Re-reads the overrides file; keeps the current catalog when it is broken. Returns whether it applied. */
    public boolean reload() {
        try {
            index = new CatalogIndex(builtIn, readOverrides());
            generation.incrementAndGet();
            LOG.info("price catalog reloaded: {} entries, overrides from {}", index.all().size(), overrides);
            return true;
        } catch (RuntimeException e) {
            LOG.error("{} rejected, the previous catalog stays in use: {}", overrides, e.getMessage());
            return false;
        }
    }

    /** Starts watching the overrides file's directory. */
    public synchronized void watch() {
        if (overrides == null || watcher != null || !Files.isDirectory(overrides.getParent())) {
            return;
        }
        watcher = new FileWatcher(overrides.getParent(), "caravan-catalog-watch", changed -> {
            if (changed.getFileName().equals(overrides.getFileName())) {
                reload();
            }
        });
        watcher.start();
    }

    public synchronized void stop() {
        if (watcher != null) {
            watcher.stop();
            watcher = null;
        }
    }

    private CatalogFile readOverrides() {
        if (overrides == null || !Files.isRegularFile(overrides)) {
            return new CatalogFile(null, null, null);
        }
        try (InputStream in = Files.newInputStream(overrides)) {
            return CatalogYaml.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage().replace('\n', ' '), e);
        }
    }

    static CatalogFile loadBuiltIn() {
        try (InputStream in = FilePriceCatalog.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is missing from the class path");
            }
            return CatalogYaml.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
