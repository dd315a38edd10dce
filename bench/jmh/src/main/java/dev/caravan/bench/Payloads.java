package dev.caravan.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the recorded fixtures the benchmarks translate (the same files the translator tests use). */
final class Payloads {

    static final Path FIXTURES = Path.of(System.getProperty("caravan.fixtures", "src/test/resources/fixtures"));

    private Payloads() {
    }

    static byte[] bytes(String provider, String fixture, String file) {
        try {
            return Files.readAllBytes(FIXTURES.resolve(provider).resolve(fixture).resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException("run from the repository root or set -Dcaravan.fixtures", e);
        }
    }

    /** The one {@code data:} event of an SSE body whose data contains {@code marker}, as the SSE reader yields it. */
    static String data(String provider, String fixture, String marker) {
        for (String ev : new String(bytes(provider, fixture, "upstream-response.sse")).split("\n\n")) {
            for (String line : ev.split("\n")) {
                if (line.startsWith("data: ") && line.contains(marker)) {
                    return line.substring(6);
                }
            }
        }
        throw new IllegalArgumentException("no event with " + marker + " in " + fixture);
    }
}
